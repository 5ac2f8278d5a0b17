"""Migrations build the schema the models describe, on SQLite and PostgreSQL."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from coaching import create_app, migrations_dir
from coaching.extensions import db
from tests.conftest import BACKEND, _test_config


@pytest.fixture
def empty_database_url(database_url, tmp_path, request):
    """A brand-new empty database (not the migrated template)."""
    if BACKEND == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    else:
        admin = request.getfixturevalue("postgres_admin")
        url = admin.create("coaching_migrate")
        yield url
        admin.drop(url)


def _diff(app):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_upgrade_empty_database_to_head_matches_models(empty_database_url):
    app = create_app(_test_config(empty_database_url))
    with app.app_context():
        upgrade(directory=str(migrations_dir()))
        assert _diff(app) == []
        tables = set(inspect(db.engine).get_table_names())
        assert set(db.metadata.tables) <= tables
        db.engine.dispose()


def test_downgrade_to_base_and_back(empty_database_url):
    app = create_app(_test_config(empty_database_url))
    with app.app_context():
        upgrade(directory=str(migrations_dir()))
        downgrade(directory=str(migrations_dir()), revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade(directory=str(migrations_dir()))
        assert _diff(app) == []
        db.engine.dispose()


@pytest.mark.postgres
def test_postgres_has_the_booking_exclusion_constraint(app):
    with app.app_context():
        found = db.session.execute(
            text("SELECT conname FROM pg_constraint WHERE contype = 'x'")
        ).scalars().all()
    assert "ex_booking_no_overlap" in found
