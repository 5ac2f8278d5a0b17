"""Private benchmark databases, and the widened coach that lets POST /book run for 10 s."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import time

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


@contextmanager
def private_postgres(prefix: str = "coaching_bench") -> Iterator[str]:
    """Create a private database on BENCH_DATABASE_URL's server; drop it afterwards."""
    from coaching.config import normalise_database_url

    server = make_url(normalise_database_url(os.environ.get("BENCH_DATABASE_URL")
                                             or DEFAULT_SERVER))
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _app(url: str):
    from coaching import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-" + "x" * 40,
                       "MAIL_WORKER_THREAD": False})


def widen_demo_coach(url: str, *, max_per_day: int = 100, horizon_days: int = 365) -> None:
    """Open the demo coach 00:00-23:45 every day, no buffers, 100 a day (the most the
    schema allows), for a year.

    With the demo rules (8 a day, 60 days) a 10 s POST run would exhaust the
    free slots in a second and measure 409s; widening the rules gives every
    request a slot of its own, so the figure is the cost of a real booking.
    """
    from coaching.booking.models import Coach, WeeklyHours
    from coaching.extensions import db

    app = _app(url)
    with app.app_context():
        coach = db.session.scalar(select(Coach).order_by(Coach.id))
        coach.max_per_day = max_per_day
        coach.horizon_days = horizon_days
        coach.buffer_before_minutes = 0
        coach.buffer_after_minutes = 0
        coach.min_notice_hours = 1
        coach.weekly_hours = [
            WeeklyHours(weekday=day, start=time(0), end=time(23, 45)) for day in range(7)
        ]
        db.session.commit()
        db.engine.dispose()


def set_demo_cap(url: str, max_per_day: int) -> None:
    """Change only the demo coach's daily cap (the storm books 10 slots on one day)."""
    from coaching.booking.models import Coach
    from coaching.extensions import db

    app = _app(url)
    with app.app_context():
        coach = db.session.scalar(select(Coach).order_by(Coach.id))
        coach.max_per_day = max_per_day
        db.session.commit()
        db.engine.dispose()


def count_bookings(url: str) -> int:
    from coaching.booking.models import Booking
    from coaching.extensions import db

    app = _app(url)
    with app.app_context():
        n = db.session.scalar(select(func.count()).select_from(Booking))
        db.engine.dispose()
    return n
