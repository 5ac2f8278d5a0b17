"""Shared fixtures: an app on a real, migrated database, a client, a coach.

The suite runs once per database. `COACHING_TEST_DB=sqlite` (the default) uses
a migrated template file copied per test; `COACHING_TEST_DB=postgresql` needs
`TEST_DATABASE_URL` and creates a private database for this run (so parallel
runs never collide), migrated once and truncated between tests. A run that
asks for PostgreSQL and cannot reach it fails; it never skips.

Tests that touch no database run only in the SQLite pass; tests marked
`postgres` run only in the PostgreSQL pass, `sqlite_only` only in SQLite.
"""

from __future__ import annotations

import os
import re
import shutil
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from coaching import create_app, migrations_dir
from coaching.config import normalise_database_url

BACKEND = os.environ.get("COACHING_TEST_DB", "sqlite")
if BACKEND not in {"sqlite", "postgresql"}:
    raise pytest.UsageError(f"COACHING_TEST_DB must be sqlite or postgresql, not {BACKEND!r}")

TEST_SECRET = "test-secret-key-that-is-long-enough-for-production-checks"


def pytest_report_header(config):
    return f"database backend: {BACKEND}"


def pytest_collection_modifyitems(config, items):
    """Run each test on the backends it means something on."""
    keep, drop = [], []
    for item in items:
        uses_db = "database_url" in item.fixturenames
        if BACKEND == "postgresql":
            wanted = uses_db and item.get_closest_marker("sqlite_only") is None
        else:
            wanted = item.get_closest_marker("postgres") is None
        (keep if wanted else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def _upgrade(url: str) -> None:
    from flask_migrate import upgrade

    app = create_app(_test_config(url))
    with app.app_context():
        upgrade(directory=str(migrations_dir()))
        from coaching.extensions import db

        db.engine.dispose()


def _test_config(url: str, **overrides) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": TEST_SECRET,
        "SQLALCHEMY_DATABASE_URI": url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "MAIL_WORKER_THREAD": False,
        "RATELIMIT_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        "PUBLIC_BASE_URL": "http://localhost",
        "METRICS_FLUSH_SECONDS": 0,  # page views written at once, so tests can count them
        "SERVER_NAME": None,
    }
    config.update(overrides)
    return config


class PostgresAdmin:
    """Create and drop private databases on the PostgreSQL server under test."""

    def __init__(self, url: str):
        self.base = make_url(normalise_database_url(url))
        self.engine = create_engine(self.base, isolation_level="AUTOCOMMIT")

    def create(self, prefix: str = "coaching_test") -> str:
        name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        with self.engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        return self.base.set(database=name).render_as_string(hide_password=False)

    def drop(self, url: str) -> None:
        name = make_url(url).database
        if not re.fullmatch(r"[a-z0-9_]+", name or ""):
            raise ValueError(f"refusing to drop {name!r}")
        with self.engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def postgres_admin():
    """Connect to TEST_DATABASE_URL; fail (never skip) when it cannot be reached."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.fail("TEST_DATABASE_URL is not set but PostgreSQL tests were selected")
    admin = PostgresAdmin(url)
    try:
        with admin.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001
        pytest.fail(f"PostgreSQL at TEST_DATABASE_URL is unreachable: {exc}")
    yield admin
    admin.engine.dispose()


@pytest.fixture(scope="session")
def _migrated_template(tmp_path_factory, request):
    """Migrate one database per run: a file template (SQLite) or a private database."""
    if BACKEND == "sqlite":
        path = tmp_path_factory.mktemp("db") / "template.sqlite3"
        _upgrade(f"sqlite:///{path}")
        yield path
    else:
        admin = request.getfixturevalue("postgres_admin")
        url = admin.create()
        _upgrade(url)
        yield url
        admin.drop(url)


@pytest.fixture
def database_url(_migrated_template, tmp_path):
    """Give this test a clean, migrated database and return its URL."""
    if BACKEND == "sqlite":
        path = tmp_path / "test.sqlite3"
        shutil.copyfile(_migrated_template, path)
        yield f"sqlite:///{path}"
        return
    url = _migrated_template
    engine = create_engine(url)
    with engine.begin() as conn:
        tables = conn.execute(
            text(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                "AND tablename <> 'alembic_version'"
            )
        ).scalars().all()
        if tables:
            joined = ", ".join(f'"{t}"' for t in tables)
            conn.execute(text(f"TRUNCATE {joined} RESTART IDENTITY CASCADE"))
    engine.dispose()
    yield url


@pytest.fixture
def make_app(database_url, tmp_path):
    """Build apps on this test's database with extra settings."""
    apps = []

    def factory(**overrides):
        overrides.setdefault("MAIL_URL", f"file://{tmp_path / 'mail'}")
        app = create_app(_test_config(database_url, **overrides))
        apps.append(app)
        return app

    yield factory
    from coaching.extensions import db

    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def db_session(app):
    """Yield the SQLAlchemy session inside an app context."""
    from coaching.extensions import db

    with app.app_context():
        yield db.session


@pytest.fixture
def coach(app):
    """The demo coach (Europe/London, Monday-Friday 09:00-17:00), as a detached id."""
    from coaching.booking.seed import seed_demo_coach
    from coaching.extensions import db

    with app.app_context():
        demo, _ = seed_demo_coach("Alex Morgan")
        db.session.commit()
        return demo.id


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_from(html: str | bytes) -> str:
    """Return the CSRF token from the first form in `html`."""
    if isinstance(html, bytes):
        html = html.decode()
    match = CSRF_RE.search(html)
    if not match:
        raise AssertionError("no csrf_token field in the page")
    return match.group(1)


@pytest.fixture
def csrf_token(client):
    """Fetch a page with a form and return its CSRF token (session kept in `client`)."""

    def fetch(path: str) -> str:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        return csrf_from(response.data)

    return fetch


def sign_in(client, email=None, password=None, next_url=None):
    """Sign in through the real login form; return the POST response."""
    from coaching.booking.seed import DEMO_EMAIL, DEMO_PASSWORD

    token = csrf_from(client.get("/dashboard/login").data)
    data = {"csrf_token": token, "email": email or DEMO_EMAIL,
            "password": password or DEMO_PASSWORD}
    if next_url is not None:
        data["next"] = next_url
    return client.post("/dashboard/login", data=data)


@pytest.fixture
def coach_client(app, client, coach):
    """A test client signed in as the demo coach through the login form."""
    response = sign_in(client)
    assert response.status_code == 303, response.data
    return client
