"""Template helpers for the dashboard: endpoint checks and times in the coach's zone."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, format_time
from flask import current_app
from flask_login import current_user

from .blueprint import bp

LOCALE = "en_GB"


def _zone() -> ZoneInfo:
    if current_user and current_user.is_authenticated:
        return current_user.zone
    return ZoneInfo("Europe/London")


@bp.app_template_global()
def has_endpoint(name: str) -> bool:
    """Tell whether the app has this endpoint (a page may live on another branch)."""
    return name in current_app.view_functions


@bp.app_template_filter("coach_datetime")
def coach_datetime(value: datetime | None, pattern: str = "EEE d MMM y, HH:mm") -> str:
    """Format an instant for the coach, in the coach's own time zone."""
    if value is None:
        return ""
    return format_datetime(value, pattern, tzinfo=_zone(), locale=LOCALE)


@bp.app_template_filter("coach_time")
def coach_time(value: datetime | None) -> str:
    if value is None:
        return ""
    return format_time(value, "HH:mm", tzinfo=_zone(), locale=LOCALE)


@bp.app_template_filter("coach_date")
def coach_date(value: date | None, pattern: str = "EEEE d MMMM y") -> str:
    if value is None:
        return ""
    return format_date(value, pattern, locale=LOCALE)


@bp.app_template_filter("zone_datetime")
def zone_datetime(value: datetime | None, zone: str) -> str:
    """Format an instant in another zone (the visitor's), naming the zone."""
    if value is None:
        return ""
    try:
        tz = ZoneInfo(zone)
    except (KeyError, ValueError):
        tz = ZoneInfo("UTC")
    return format_datetime(value, "EEE d MMM y, HH:mm zzzz", tzinfo=tz, locale=LOCALE)


@bp.app_template_filter("audit_label")
def audit_label(action: str) -> str:
    from .audit import label

    return label(action)
