"""Browser tests against the site running as real processes.

The site under test is gunicorn (2 workers) plus, when the command exists, a
separate `flask mail worker`, on a free port, started once per test session
on a private database:

* SQLite pass: a file in the session's temporary directory;
* PostgreSQL pass: a private database made with `postgres_admin` and dropped
  at the end.

How the backends select these tests: `tests/conftest.py` runs a test in the
PostgreSQL pass only when it uses the `database_url` fixture. Here
`database_url` is overridden to mean "the live site's database" (session
scoped underneath, so no per-test copy or truncate), and an autouse fixture
requests it, so every e2e test runs once per backend. Tests that change data
share that one database: give each journey its own visitor email and do not
assume an empty calendar.

The visitor and coach journeys live in `journeys/`.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from .liveserver import Credentials, Site, start_site

BACKEND = os.environ.get("COACHING_TEST_DB", "sqlite")
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu"]

# 4xx pages are part of the journeys (422 form errors, 409 conflicts, 404s);
# Chromium logs each as a console error, which is not a fault of the page.
EXPECTED_CONSOLE = re.compile(
    r"Failed to load resource: the server responded with a status of 4\d\d"
)


# --- the site under test -------------------------------------------------------------------


@pytest.fixture(scope="session")
def e2e_database_url(tmp_path_factory, request) -> Iterator[str]:
    """A private database for this run's live site, on the backend of this pass."""
    if BACKEND == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('e2e-db') / 'site.sqlite3'}"
        return
    admin = request.getfixturevalue("postgres_admin")
    url = admin.create("coaching_e2e")
    yield url
    admin.drop(url)


@pytest.fixture
def database_url(e2e_database_url) -> str:
    """Override: in e2e tests this is the live site's database (shared by the session)."""
    return e2e_database_url


@pytest.fixture(autouse=True)
def _once_per_backend(database_url) -> None:
    """Make every e2e test use `database_url`, so the PostgreSQL pass selects it too."""


@pytest.fixture(scope="session")
def site(e2e_database_url, tmp_path_factory) -> Iterator[Site]:
    """The site as gunicorn (2 workers) + mail worker, migrated and seeded with `seed demo`."""
    instance = tmp_path_factory.mktemp("e2e-site")
    try:
        running = start_site(database_url=e2e_database_url, instance=instance, workers=2)
    except RuntimeError as exc:
        pytest.fail(f"the live site did not start: {exc}", pytrace=False)
    yield running
    running.stop()
    # A traceback in the server log is a 500 somebody's page hid; make it loud.
    log = running.server.log_path.read_text(errors="replace")
    assert "Traceback" not in log, f"the server logged an exception:\n{running.server.log_tail()}"


# --- the browser ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium driven by Playwright; a missing browser fails, never skips."""
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Chromium is not installed: `apt-get install chromium` (.ci/run does it). "
                    "The e2e suite never downloads a browser.", pytrace=False)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class Guard:
    """Collect what a page must never do: other hosts, console errors, CSP violations, 5xx."""

    def __init__(self, allowed_host: str = "127.0.0.1"):
        self.allowed_host = allowed_host
        self.problems: list[str] = []

    def attach(self, context: BrowserContext) -> None:
        context.route("**/*", self._route)
        context.on("page", self.watch)

    def watch(self, page: Page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"uncaught script error: {error}"))
        page.on("response", self._response)

    def _route(self, route) -> None:
        url = urlsplit(route.request.url)
        if url.hostname == self.allowed_host:
            route.fallback()
            return
        self.problems.append(f"request to another host: {route.request.url}")
        route.abort("blockedbyclient")

    def _console(self, message) -> None:
        if message.type == "error" and not EXPECTED_CONSOLE.search(message.text):
            self.problems.append(f"console error on {message.location.get('url')}: {message.text}")

    def _response(self, response) -> None:
        if response.status >= 500:
            self.problems.append(f"HTTP {response.status} from {response.url}")

    def check(self) -> None:
        if self.problems:
            listed = "\n  ".join(self.problems)
            pytest.fail(f"the browser saw problems:\n  {listed}", pytrace=False)


@pytest.fixture
def guard() -> Guard:
    """The test's guard; every context made by `new_context` reports into it."""
    return Guard()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """Fail a test that passed its own assertions if its guard saw a problem."""
    result = yield
    found = item.funcargs.get("guard")
    if isinstance(found, Guard):
        found.check()
    return result


@pytest.fixture
def new_context(browser, site, guard) -> Iterator:
    """Make guarded contexts on the site: `new_context(PHONE, java_script_enabled=False)`."""
    contexts: list[BrowserContext] = []

    def make(*presets: dict, **options) -> BrowserContext:
        settings = {"base_url": site.url, "locale": "en-GB", "timezone_id": "Europe/London"}
        for preset in presets:
            settings.update(preset)
        settings.update(options)
        context = browser.new_context(**settings)
        context.set_default_timeout(10_000)
        guard.attach(context)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def phone(new_context) -> Page:
    """A page in a phone-sized context (390 x 844, touch)."""
    return new_context(PHONE).new_page()


@pytest.fixture
def desktop(new_context) -> Page:
    """A page in a laptop-sized context (1280 x 800)."""
    return new_context(DESKTOP).new_page()


@pytest.fixture
def nojs(new_context) -> Page:
    """A phone-sized page with JavaScript switched off."""
    return new_context(PHONE, java_script_enabled=False).new_page()


# --- production, as docs/deploy.md describes it ----------------------------------------------


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory) -> Iterator[str]:
    """A private redis-server on a free port (no shared db numbers); missing Redis fails."""
    from .liveserver import Process, free_port

    executable = shutil.which("redis-server")
    if executable is None:
        pytest.fail("redis-server is not installed: `apt-get install redis-server`; the "
                    "production rehearsal needs Redis for rate-limit storage.", pytrace=False)
    port = free_port()
    directory = tmp_path_factory.mktemp("redis")
    process = Process("redis", [executable, "--port", str(port), "--bind", "127.0.0.1",
                                "--save", "", "--appendonly", "no", "--dir", str(directory)],
                      dict(os.environ), directory / "redis.log").start()
    import socket
    import time

    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    else:
        process.stop()
        pytest.fail(f"redis-server did not start:\n{process.log_tail()}", pytrace=False)
    yield f"redis://127.0.0.1:{port}/0"
    process.stop()


@pytest.fixture(scope="session")
def production_site(postgres_admin, redis_url, tmp_path_factory) -> Iterator[Site]:
    """The site as production runs it: see docs/deploy.md.

    COACHING_ENV=production, a fresh random SECRET_KEY, a private PostgreSQL
    database migrated with `flask db upgrade`, Redis rate-limit storage with
    limits on, gunicorn with 2 workers and the mail worker as its own process.
    Production refuses `seed demo`, so the demo coach (with weekly hours) is
    seeded by a development-mode command against the same database first; a
    real deployment uses `coach create` and the dashboard instead.
    """
    import secrets

    from .liveserver import (
        LOGIN_RE,
        flask,
        free_port,
        gunicorn,
        mail_worker,
        mail_worker_available,
        self_signed_certificate,
        site_env,
    )

    url = postgres_admin.create("coaching_prod")
    instance = tmp_path_factory.mktemp("production")
    port = free_port()
    # TLS as visitors get it (nginx terminates it in docs/deploy.md; here gunicorn does,
    # with a throwaway certificate), so Secure cookies and Flask-WTF's strict HTTPS
    # Referer check behave exactly as in production.
    tls = self_signed_certificate(instance)
    seed_env = site_env(database_url=url, instance=instance, port=port)
    env = site_env(
        database_url=url, instance=instance, port=port,
        COACHING_ENV="production", SECRET_KEY=secrets.token_urlsafe(48),
        RATELIMIT_STORAGE_URI=redis_url, RATELIMIT_ENABLED="true", PROXY_FIX_HOPS="1",
        PUBLIC_BASE_URL=f"https://127.0.0.1:{port}",
    )
    worker = server = None
    try:
        flask(["db", "upgrade"], env)
        match = LOGIN_RE.search(flask(["seed", "demo"], seed_env).stdout)
        credentials = Credentials(match.group(1), match.group(2)) if match else None
        if mail_worker_available(env):
            worker = mail_worker(env=env, log_path=instance / "mail-worker.log")
        server = gunicorn(env=env, port=port, workers=2, log_path=instance / "gunicorn.log",
                          tls=tls)
    except RuntimeError as exc:
        if worker is not None:
            worker.stop()
        postgres_admin.drop(url)
        pytest.fail(f"the production site did not start: {exc}", pytrace=False)
    running = Site(url=f"https://127.0.0.1:{port}", env=env, instance=instance, database_url=url,
                   credentials=credentials, server=server, worker=worker)
    yield running
    running.stop()
    postgres_admin.drop(url)
    log = server.log_path.read_text(errors="replace")
    assert "Traceback" not in log, f"the production server logged an exception:\n{log[-3000:]}"
