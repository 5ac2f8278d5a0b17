"""Changing the coach's opening hours and booking rules, with the rules they must keep.

Each function validates against what is already stored, changes the session
and records an audit event; the caller commits. A `ScheduleError` carries the
field and a message meant for the coach.
"""

from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import delete, select

from ..booking.models import Coach, DateOverride, WeeklyHours
from ..extensions import db
from . import audit

MAX_TIME_OFF_DAYS = 366
RULE_FIELDS = ("slot_step_minutes", "buffer_before_minutes", "buffer_after_minutes",
               "min_notice_hours", "no_same_day", "horizon_days", "max_per_day",
               "meeting_details", "meeting_url", "timezone")


class ScheduleError(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def ranges_overlap(a: tuple[time, time], b: tuple[time, time]) -> bool:
    """Tell whether two half-open [start, end) ranges share any minute."""
    return a[0] < b[1] and b[0] < a[1]


def check_range(start: time | None, end: time | None) -> None:
    if start is None:
        raise ScheduleError("start", "Enter a start time.")
    if end is None:
        raise ScheduleError("end", "Enter an end time.")
    if end <= start:
        raise ScheduleError("end", "The end time must be after the start time.")


def _fmt(start: time, end: time) -> str:
    return f"{start:%H:%M}–{end:%H:%M}"


def add_weekly_range(coach: Coach, weekday: int, start: time, end: time) -> WeeklyHours:
    """Add an opening range on a weekday unless it is empty or overlaps another."""
    if weekday not in range(7):
        raise ScheduleError("weekday", "Choose a day of the week.")
    check_range(start, end)
    for existing in coach.weekly_hours:
        if existing.weekday == weekday and ranges_overlap((start, end),
                                                          (existing.start, existing.end)):
            raise ScheduleError(
                "start", f"This overlaps {_fmt(existing.start, existing.end)} on the same day.")
    hours = WeeklyHours(weekday=weekday, start=start, end=end)
    coach.weekly_hours.append(hours)
    audit.record("hours.add", weekday=weekday, start=start, end=end)
    return hours


def remove_weekly_range(coach: Coach, hours_id: int) -> WeeklyHours | None:
    hours = db.session.get(WeeklyHours, hours_id)
    if hours is None or hours.coach_id != coach.id:
        return None
    coach.weekly_hours.remove(hours)
    audit.record("hours.remove", weekday=hours.weekday, start=hours.start, end=hours.end)
    return hours


def _overrides_on(coach: Coach, day: date) -> list[DateOverride]:
    return list(db.session.scalars(
        select(DateOverride).where(DateOverride.coach_id == coach.id, DateOverride.date == day)))


def add_override(coach: Coach, day: date, kind: str, start: time | None, end: time | None,
                 note: str, today: date) -> DateOverride:
    """Close a date, replace its hours, or add an extra opening, keeping ranges apart."""
    if day < today:
        raise ScheduleError("date", "Choose today or a later date.")
    if day > today + timedelta(days=2 * 366):
        raise ScheduleError("date", "Choose a date within the next two years.")
    existing = _overrides_on(coach, day)
    if kind == "closed":
        if any(o.kind == "closed" for o in existing):
            raise ScheduleError("date", "That date is already closed.")
        # Closing a day replaces any special hours set for it.
        for other in existing:
            if other.kind == "hours":
                db.session.delete(other)
        override = DateOverride(coach_id=coach.id, date=day, kind="closed", note=note)
    elif kind in ("hours", "extra"):
        check_range(start, end)
        if kind == "hours" and any(o.kind == "closed" for o in existing):
            raise ScheduleError("date", "That date is closed. Remove the closure first.")
        for other in existing:
            if other.kind != "closed" and ranges_overlap((start, end), (other.start, other.end)):
                raise ScheduleError(
                    "start", f"This overlaps {_fmt(other.start, other.end)} on that date.")
        override = DateOverride(coach_id=coach.id, date=day, kind=kind, start=start, end=end,
                                note=note)
    else:
        raise ScheduleError("kind", "Choose what kind of change this is.")
    db.session.add(override)
    audit.record("override.add", date=day, kind=kind, start=start, end=end, note=note)
    return override


def remove_override(coach: Coach, override_id: int) -> DateOverride | None:
    override = db.session.get(DateOverride, override_id)
    if override is None or override.coach_id != coach.id:
        return None
    db.session.delete(override)
    audit.record("override.remove", date=override.date, kind=override.kind)
    return override


def add_time_off(coach: Coach, first: date, last: date, note: str, today: date) -> int:
    """Close every date from `first` to `last`; return how many dates were newly closed."""
    if first < today:
        raise ScheduleError("first", "Time off must start today or later.")
    if last < first:
        raise ScheduleError("last", "The last day must be on or after the first day.")
    if (last - first).days + 1 > MAX_TIME_OFF_DAYS:
        raise ScheduleError("last", "Add at most a year of time off at once.")
    existing = list(db.session.scalars(
        select(DateOverride).where(DateOverride.coach_id == coach.id,
                                   DateOverride.date >= first, DateOverride.date <= last)))
    closed = {o.date for o in existing if o.kind == "closed"}
    db.session.execute(delete(DateOverride).where(
        DateOverride.coach_id == coach.id, DateOverride.kind == "hours",
        DateOverride.date >= first, DateOverride.date <= last))
    added = 0
    day = first
    while day <= last:
        if day not in closed:
            db.session.add(DateOverride(coach_id=coach.id, date=day, kind="closed", note=note))
            added += 1
        day += timedelta(days=1)
    audit.record("time_off.add", first=first, last=last, days=added, note=note)
    return added


def update_rules(coach: Coach, values: dict) -> dict:
    """Apply the booking rules; return what changed as {field: [old, new]}."""
    changed = {}
    for field in RULE_FIELDS:
        if field in values and getattr(coach, field) != values[field]:
            changed[field] = [getattr(coach, field), values[field]]
            setattr(coach, field, values[field])
    if changed:
        audit.record("rules.update", changed=changed)
    return changed
