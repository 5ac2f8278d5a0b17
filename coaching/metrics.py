"""Daily counters for the coach's funnel: cookie-free, aggregate, no visitor ids.

Counting a page view needs no consent because nothing is stored on the
visitor's device and no visitor can be told apart: only a number per day.

Two ways in. `count()` adds to the current transaction, for counts that must
agree with the change they describe (a booking made, an assessment stored).
`count_view()` is for page views on GET requests: it keeps the count in this
process and writes it in a short transaction of its own at most every
`METRICS_FLUSH_SECONDS`. A read-only page then never takes the database's
write lock (on SQLite a reader that later writes can fail with "database is
locked" under load), and a burst of views costs one write. A crash loses at
most that many seconds of page views, which is acceptable for these numbers.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
import weakref
from collections import Counter
from datetime import date, datetime

from flask import Flask, current_app
from sqlalchemy import Date, Integer, String, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Mapped, mapped_column

from .db_types import utcnow
from .extensions import db

METRICS = (
    "article_view",
    "assessment_start",
    "assessment_complete",
    "booking_page_view",
    "booking_made",
    "booking_cancelled",
)


class DailyCounter(db.Model):
    __tablename__ = "daily_counter"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    metric: Mapped[str] = mapped_column(String(40), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


log = logging.getLogger(__name__)


def _upsert(dialect: str, day: date, metric: str, by: int):
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = insert(DailyCounter).values(day=day, metric=metric, count=by)
    return stmt.on_conflict_do_update(
        index_elements=["day", "metric"], set_={"count": DailyCounter.count + by}
    )


def count(metric: str, *, at: datetime | None = None, by: int = 1) -> None:
    """Add to today's counter for `metric` inside the current transaction."""
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}")
    day = (at or utcnow()).date()
    db.session.execute(_upsert(db.session.get_bind().dialect.name, day, metric, by))


class ViewCounter:
    """Page views held in this process and written in batches (see the module docstring)."""

    def __init__(self, flush_seconds: float):
        self.flush_seconds = flush_seconds
        self.pending: Counter[tuple[date, str]] = Counter()
        self.lock = threading.Lock()
        self.last_flush = time.monotonic()

    def add(self, metric: str) -> None:
        if metric not in METRICS:
            raise ValueError(f"unknown metric {metric!r}")
        with self.lock:
            self.pending[(utcnow().date(), metric)] += 1
            due = time.monotonic() - self.last_flush >= self.flush_seconds
        if due:
            self.flush()

    def flush(self) -> None:
        """Write the pending counts in their own short transaction; keep them on failure."""
        with self.lock:
            batch, self.pending = self.pending, Counter()
            self.last_flush = time.monotonic()
        if not batch:
            return
        engine = db.engine
        try:
            with engine.connect() as conn:
                conn = conn.execution_options(sqlite_begin="IMMEDIATE")
                with conn.begin():
                    for (day, metric), by in sorted(batch.items()):
                        conn.execute(_upsert(engine.dialect.name, day, metric, by))
        except OperationalError:
            # Busy or unreachable database: a page view must never fail for a counter.
            log.warning("could not write page-view counts; keeping them for the next flush")
            with self.lock:
                self.pending.update(batch)


def count_view(metric: str) -> None:
    """Count a page view outside the request's transaction, batched per process."""
    current_app.extensions["view_counter"].add(metric)


# Apps whose pending page views are written when the process exits (weakly
# held, so the many short-lived apps of a test run can still be collected).
_apps: weakref.WeakSet[Flask] = weakref.WeakSet()


@atexit.register
def _flush_all() -> None:
    for app in list(_apps):
        with app.app_context():
            app.extensions["view_counter"].flush()


def init_app(app: Flask) -> None:
    app.extensions["view_counter"] = ViewCounter(app.config["METRICS_FLUSH_SECONDS"])
    _apps.add(app)


def totals(start: date, end: date) -> dict[str, int]:
    """Return each metric's total over the days start..end inclusive."""
    rows = db.session.execute(
        select(DailyCounter.metric, db.func.sum(DailyCounter.count))
        .where(DailyCounter.day >= start, DailyCounter.day <= end)
        .group_by(DailyCounter.metric)
    ).all()
    found = {metric: int(total or 0) for metric, total in rows}
    return {metric: found.get(metric, 0) for metric in METRICS}
