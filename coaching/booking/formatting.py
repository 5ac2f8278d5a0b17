"""Dates, times and zones written for people (Babel, British English)."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, format_time

from .forms import known_zones

LOCALE = "en_GB"
# The areas shown in the zone picker; legacy aliases (US/..., Etc/...) stay
# accepted but are not offered, to keep the list short.
AREAS = ("Africa", "America", "Antarctica", "Asia", "Atlantic", "Australia", "Europe",
         "Indian", "Pacific")


@cache
def zone_groups() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Return the zone picker's option groups: (area, zone names), sorted."""
    groups: dict[str, list[str]] = {area: [] for area in AREAS}
    for name in known_zones():
        area = name.split("/", 1)[0]
        if area in groups and "/" in name:
            groups[area].append(name)
    result = [(area, tuple(sorted(names))) for area, names in groups.items() if names]
    result.append(("Other", ("UTC",)))
    return tuple(result)


def offered_zone(name: str) -> bool:
    """Tell whether the picker already lists `name`."""
    return any(name in names for _, names in zone_groups())


def zone_label(name: str) -> str:
    """Return a zone's name for people: "Europe/London" becomes "Europe – London"."""
    return name.replace("_", " ").replace("/", " – ")


# Pure formatting, called dozens of times per calendar response: memoised.
@lru_cache(maxsize=1024)
def day_long(day: date) -> str:
    return format_date(day, "EEEE d MMMM y", locale=LOCALE)


@lru_cache(maxsize=1024)
def day_short(day: date) -> str:
    return format_date(day, "EEE d MMM", locale=LOCALE)


@lru_cache(maxsize=256)
def month_title(day: date) -> str:
    return format_date(day, "MMMM y", locale=LOCALE)


@lru_cache(maxsize=8192)
def time_in(moment: datetime, zone: str) -> str:
    return format_time(moment, "HH:mm", tzinfo=ZoneInfo(zone), locale=LOCALE)


def when_in(moment: datetime, zone: str) -> str:
    """Return e.g. "Tuesday 24 November 2026 at 14:30 (Greenwich Mean Time)"."""
    return format_datetime(moment, "EEEE d MMMM y 'at' HH:mm (zzzz)",
                           tzinfo=ZoneInfo(zone), locale=LOCALE)


def local_date(moment: datetime, zone: str) -> date:
    return moment.astimezone(ZoneInfo(zone)).date()


HELPERS = {
    "local_date": local_date,
    "day_long": day_long,
    "day_short": day_short,
    "month_title": month_title,
    "time_in": time_in,
    "when_in": when_in,
    "zone_label": zone_label,
    "zone_groups": zone_groups,
    "offered_zone": offered_zone,
}
