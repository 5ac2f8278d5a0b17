"""Calendar invites (RFC 5545 / iTIP) for a booking, built with icalendar.

One booking is one calendar event for its whole life: the UID never changes
and SEQUENCE (`booking.ics_sequence`, raised by the model on every move or
cancellation) tells calendar clients which version is newest, so a reschedule
updates the event in place and a cancellation removes it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import Alarm, Calendar, Event, vCalAddress, vText

from ..booking.models import Booking
from ..db_types import utcnow

PRODID = "-//Career Compass Coaching//Bookings//EN"
ALARM_BEFORE = timedelta(minutes=15)


def _address(email: str, name: str, **params: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["CN"] = vText(name)
    for key, value in params.items():
        address.params[key] = vText(value)
    return address


def summary(booking: Booking) -> str:
    """Name the event the same way in invites and add-to-calendar links."""
    return f"Free consultation with {booking.coach.name}"


def description(booking: Booking, manage_url: str | None = None) -> str:
    """Describe how the call happens and where to change it."""
    coach = booking.coach
    lines = [coach.meeting_details.strip()]
    if coach.meeting_url:
        lines.append(f"Join: {coach.meeting_url}")
    if manage_url:
        lines.append(f"Change or cancel: {manage_url}")
    return "\n\n".join(line for line in lines if line)


def booking_invite(booking: Booking, *, method: str = "REQUEST", manage_url: str | None = None,
                   now: datetime | None = None) -> str:
    """Return the VCALENDAR text for a booking: METHOD REQUEST (new or moved) or CANCEL."""
    if method not in ("REQUEST", "CANCEL"):
        raise ValueError(f"unsupported iTIP method {method!r}")
    coach = booking.coach
    cancelled = method == "CANCEL"

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)

    event = Event()
    event.add("uid", booking.ics_uid)
    event.add("sequence", booking.ics_sequence)
    event.add("dtstamp", (now or utcnow()).astimezone(UTC))
    event.add("dtstart", booking.start_at.astimezone(UTC))
    event.add("dtend", booking.end_at.astimezone(UTC))
    event.add("summary", summary(booking))
    event.add("description", "This call has been cancelled." if cancelled
              else description(booking, manage_url))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    event.add("organizer", _address(coach.email, coach.name))
    # A cancellation asks nothing of the attendee, so no RSVP or PARTSTAT.
    reply = {} if cancelled else {"PARTSTAT": "NEEDS-ACTION", "RSVP": "TRUE"}
    event.add(
        "attendee",
        _address(booking.visitor_email, booking.visitor_name, ROLE="REQ-PARTICIPANT", **reply),
    )
    if coach.meeting_url:
        event.add("location", coach.meeting_url)
        event.add("url", coach.meeting_url)
    if not cancelled:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"In 15 minutes: {summary(booking)}")
        alarm.add("trigger", -ALARM_BEFORE)
        event.add_component(alarm)
    calendar.add_component(event)
    return calendar.to_ical().decode("utf-8")


def attachment(booking: Booking, *, method: str = "REQUEST", manage_url: str | None = None) -> dict:
    """Return the outbox attachment entry for this booking's invite."""
    return {
        "filename": "cancel.ics" if method == "CANCEL" else "invite.ics",
        "content_type": f"text/calendar; method={method}",
        "content": booking_invite(booking, method=method, manage_url=manage_url),
    }
