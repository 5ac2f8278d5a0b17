"""Dates and times for people: Babel, British English, in the reader's own zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime, format_time

LOCALE = "en_GB"


def zone_label(start: datetime, zone_name: str) -> str:
    """Name a zone as people read it, e.g. "British Summer Time, Europe/London"."""
    long_name = format_datetime(start, "zzzz", tzinfo=ZoneInfo(zone_name), locale=LOCALE)
    return f"{long_name}, {zone_name}"


def when(start: datetime, end: datetime, zone_name: str) -> str:
    """Format a call as "Monday 26 October 2026, 10:00 to 10:15 (Greenwich Mean Time, ...)"."""
    zone = ZoneInfo(zone_name)
    day = format_datetime(start, "EEEE d MMMM y", tzinfo=zone, locale=LOCALE)
    begins = format_time(start, "HH:mm", tzinfo=zone, locale=LOCALE)
    ends = format_time(end, "HH:mm", tzinfo=zone, locale=LOCALE)
    return f"{day}, {begins} to {ends} ({zone_label(start, zone_name)})"


def short_when(start: datetime, zone_name: str) -> str:
    """Format a start for a subject line, e.g. "Mon 26 Oct, 10:00"."""
    return format_datetime(start, "EEE d MMM, HH:mm", tzinfo=ZoneInfo(zone_name), locale=LOCALE)
