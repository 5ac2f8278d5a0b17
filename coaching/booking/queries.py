"""The reads the slot maths needs on every calendar, API and booking request.

Built once at import with bind parameters: on SQLite, constructing a select
and its cache key cost more than running these small queries.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import bindparam, select

from ..extensions import db
from .availability import Busy
from .models import LIVE_STATUSES, Booking, Coach, DateOverride, WeeklyHours

# A local date lies within a day of the UTC date: three days either side is safe.
_MARGIN = timedelta(days=3)

CURRENT_COACH = select(Coach).order_by(Coach.id).limit(1)
_BUSY = select(Booking.start_at, Booking.block_start, Booking.block_end).where(
    Booking.coach_id == bindparam("coach_id"),
    Booking.status.in_(LIVE_STATUSES),
    Booking.block_end > bindparam("begin"),
    Booking.block_start < bindparam("finish"),
)
_BUSY_EXCEPT = _BUSY.where(Booking.id != bindparam("exclude_id"))
_WEEKLY = (select(WeeklyHours.weekday, WeeklyHours.start, WeeklyHours.end)
           .where(WeeklyHours.coach_id == bindparam("coach_id")).order_by(WeeklyHours.id))
_OVERRIDES = (
    select(DateOverride.date, DateOverride.kind, DateOverride.start, DateOverride.end)
    .where(DateOverride.coach_id == bindparam("coach_id"),
           DateOverride.date >= bindparam("first"), DateOverride.date <= bindparam("last"))
    .order_by(DateOverride.id)
)


def busy_between(coach_id: int, begin: datetime, finish: datetime,
                 exclude_id: int | None = None) -> list[Busy]:
    """Return the live bookings whose blocked interval meets [begin, finish)."""
    params = {"coach_id": coach_id, "begin": begin, "finish": finish}
    if exclude_id is None:
        return [Busy(*row) for row in db.session.execute(_BUSY, params)]
    params["exclude_id"] = exclude_id
    return [Busy(*row) for row in db.session.execute(_BUSY_EXCEPT, params)]


def hours_between(coach_id: int, begin: datetime, finish: datetime) -> tuple[list, list]:
    """Return the weekly hours and the overrides that can touch [begin, finish), as plain rows.

    Plain column rows (they have the attributes the maths reads) cost a
    fraction of loading the ORM collections.
    """
    weekly = db.session.execute(_WEEKLY, {"coach_id": coach_id}).all()
    overrides = db.session.execute(_OVERRIDES, {
        "coach_id": coach_id, "first": (begin - _MARGIN).date(),
        "last": (finish + _MARGIN).date()}).all()
    return weekly, overrides
