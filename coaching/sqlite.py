"""SQLite settings that make it a safe embedded database for this site."""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import Engine


def configure_sqlite(engine: Engine) -> None:
    """Turn on foreign keys, WAL and a busy timeout; let BEGIN be issued by us.

    pysqlite's own transaction handling delays BEGIN until the first write,
    which makes `BEGIN IMMEDIATE` impossible; disabling it and emitting BEGIN
    ourselves is the recipe from SQLAlchemy's SQLite documentation.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        if engine.url.database and engine.url.database != ":memory:":
            cursor.execute("PRAGMA journal_mode=WAL")
            # In WAL mode NORMAL cannot corrupt the database; it only risks the
            # last commits on power loss, and saves an fsync per write.
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


def begin_immediate(session) -> None:
    """End the session's transaction and start a new one that may write at once.

    On SQLite the new transaction opens with BEGIN IMMEDIATE: in WAL mode a
    transaction that read first and writes later fails at once ("database is
    locked", no busy wait) if anyone else wrote in between, whereas IMMEDIATE
    takes the write lock up front and waits its turn. Other databases ignore
    the option and get a plain BEGIN.
    """
    session.rollback()
    session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
