"""Daily counters for the coach's funnel: cookie-free, aggregate, no visitor ids.

Counting a page view needs no consent because nothing is stored on the
visitor's device and no visitor can be told apart: only a number per day.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Integer, String, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
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


def count(metric: str, *, at: datetime | None = None, by: int = 1) -> None:
    """Add to today's counter for `metric` inside the current transaction."""
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}")
    day = (at or utcnow()).date()
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = insert(DailyCounter).values(day=day, metric=metric, count=by)
    stmt = stmt.on_conflict_do_update(
        index_elements=["day", "metric"], set_={"count": DailyCounter.count + by}
    )
    db.session.execute(stmt)


def totals(start: date, end: date) -> dict[str, int]:
    """Return each metric's total over the days start..end inclusive."""
    rows = db.session.execute(
        select(DailyCounter.metric, db.func.sum(DailyCounter.count))
        .where(DailyCounter.day >= start, DailyCounter.day <= end)
        .group_by(DailyCounter.metric)
    ).all()
    found = {metric: int(total or 0) for metric, total in rows}
    return {metric: found.get(metric, 0) for metric in METRICS}
