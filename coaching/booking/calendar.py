"""What the calendar pages show: the visitor's month, a day's times, query parsing.

Used by the public /book page and the manage page's reschedule calendar, so
both read the same `?month=YYYY-MM&date=YYYY-MM-DD&tz=Area/City` parameters.
"""

from __future__ import annotations

import calendar as stdlib_calendar
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from . import services
from .availability import Slot
from .forms import is_zone
from .models import Booking, Coach

MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_month(value: str | None) -> date | None:
    """Return the first day of a YYYY-MM month, or None."""
    match = MONTH_RE.match(value or "")
    if not match:
        return None
    year, month = int(match[1]), int(match[2])
    if not (2000 <= year <= 2200 and 1 <= month <= 12):
        return None
    return date(year, month, 1)


def parse_day(value: str | None) -> date | None:
    if not value or not DATE_RE.match(value):
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    # Far dates would overflow the zone arithmetic and are never bookable anyway.
    return day if 2000 <= day.year <= 2200 else None


def add_months(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass
class MonthView:
    """A month in the visitor's zone, with the days that have free times."""

    zone_name: str
    month: date
    weeks: list[list[date | None]]
    free_days: dict[date, list[Slot]]
    chosen_day: date | None
    prev_month: date | None
    next_month: date | None
    day_slots: list[Slot] = field(default_factory=list)
    first_free: date | None = None
    source: services.DaysSource | None = None

    def key(self) -> tuple:
        """Everything but the slots' source that the calendar block reads from the view.

        free_days, day_slots and weeks follow from the source, the month and
        the chosen day.
        """
        return (self.zone_name, self.month, self.chosen_day, self.prev_month, self.next_month,
                self.first_free, self.source.index, self.source.zone_name,
                self.source.exclude_start)


def visitor_zone(value: str | None, coach: Coach) -> str:
    """Return the asked-for zone if it is a real one, else the coach's."""
    return value if is_zone(value) else coach.timezone


def month_view(coach: Coach, zone_name: str, month: date | None, day: date | None,
               now: datetime, exclude: Booking | None = None) -> MonthView:
    """Work out the month to show and its free days (the visitor's local dates)."""
    zone = ZoneInfo(zone_name)
    today = now.astimezone(zone).date()
    this_month = today.replace(day=1)
    last_moment = now + timedelta(days=coach.horizon_days + 2)
    last_month = last_moment.astimezone(zone).date().replace(day=1)
    first_free = None
    if day is not None:
        month = day.replace(day=1)
    if month is None:
        upcoming = services.free_slots(coach, today, last_moment.astimezone(zone).date(),
                                       zone, now, exclude=exclude)
        first_free = upcoming[0].start.astimezone(zone).date() if upcoming else None
        month = first_free.replace(day=1) if first_free else this_month
    month = min(max(month, this_month), last_month)
    month_end = add_months(month, 1) - timedelta(days=1)
    free_days, source = services.free_days(coach, month, month_end, zone_name, now,
                                           exclude=exclude)
    weeks = [
        [d if d.month == month.month else None for d in week]
        for week in stdlib_calendar.Calendar(firstweekday=0).monthdatescalendar(
            month.year, month.month)
    ]
    chosen = day if day is not None and day.replace(day=1) == month else None
    return MonthView(
        zone_name=zone_name, month=month, weeks=weeks, free_days=free_days, chosen_day=chosen,
        prev_month=add_months(month, -1) if month > this_month else None,
        next_month=add_months(month, 1) if month < last_month else None,
        day_slots=free_days.get(chosen, []) if chosen else [], first_free=first_free,
        source=source,
    )
