"""Add-to-calendar links for people whose mail client ignores invites."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlencode

from ..booking.models import Booking
from .ics import description, summary


def _compact(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def google_url(booking: Booking, manage_url: str | None = None) -> str:
    """Return a Google Calendar "create event" link for the booking."""
    query = {
        "action": "TEMPLATE",
        "text": summary(booking),
        "dates": f"{_compact(booking.start_at)}/{_compact(booking.end_at)}",
        "details": description(booking, manage_url),
        "location": booking.coach.meeting_url,
    }
    return "https://calendar.google.com/calendar/render?" + urlencode(query)


def _outlook(host: str, booking: Booking, manage_url: str | None) -> str:
    query = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": summary(booking),
        "startdt": _iso(booking.start_at),
        "enddt": _iso(booking.end_at),
        "body": description(booking, manage_url),
        "location": booking.coach.meeting_url,
    }
    return f"https://{host}/calendar/0/deeplink/compose?" + urlencode(query)


def outlook_url(booking: Booking, manage_url: str | None = None) -> str:
    """Return an Outlook.com (personal account) link for the booking."""
    return _outlook("outlook.live.com", booking, manage_url)


def office365_url(booking: Booking, manage_url: str | None = None) -> str:
    """Return an Outlook for Microsoft 365 (work or school) link for the booking."""
    return _outlook("outlook.office.com", booking, manage_url)


def calendar_links(booking: Booking, manage_url: str | None = None) -> list[tuple[str, str]]:
    """Return (label, url) pairs for the add-to-calendar list."""
    return [
        ("Google Calendar", google_url(booking, manage_url)),
        ("Outlook.com", outlook_url(booking, manage_url)),
        ("Outlook (Microsoft 365)", office365_url(booking, manage_url)),
    ]
