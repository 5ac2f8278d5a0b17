"""The coach's private calendar feed, for Google or Apple Calendar to subscribe to."""

from __future__ import annotations

import hmac
from datetime import timedelta

from flask import Response, abort
from icalendar import Calendar, Event
from sqlalchemy import select

from ..booking.models import Booking, Coach
from ..db_types import utcnow
from ..extensions import db
from ..templating import absolute_url
from .blueprint import bp

PAST_DAYS = 90


def coach_for_token(token: str) -> Coach | None:
    """Find the coach whose feed token this is, comparing in constant time."""
    found = None
    for coach in db.session.scalars(select(Coach)):
        if hmac.compare_digest(coach.feed_token.encode(), token.encode()):
            found = coach
    return found


def feed_calendar(coach: Coach, bookings: list[Booking]) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Career Compass//Coach feed//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Coaching calls")
    calendar.add("x-published-ttl", "PT15M")
    stamp = utcnow()
    for booking in bookings:
        event = Event()
        event.add("uid", booking.ics_uid)
        event.add("sequence", booking.ics_sequence)
        event.add("dtstamp", stamp)
        event.add("dtstart", booking.start_at)
        event.add("dtend", booking.end_at)
        event.add("summary", f"Call with {booking.visitor_name}")
        event.add("description", f"{booking.visitor_email}\n"
                                 + absolute_url("dashboard.booking", booking_id=booking.id))
        event.add("status", "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()


@bp.get("/feed/<token>.ics")
def feed(token: str):
    """Serve the coach's live bookings as an iCalendar feed (the token is the password)."""
    coach = coach_for_token(token)
    if coach is None:
        abort(404)
    bookings = db.session.scalars(
        select(Booking).where(Booking.coach_id == coach.id, Booking.status != "cancelled",
                              Booking.start_at >= utcnow() - timedelta(days=PAST_DAYS))
        .order_by(Booking.start_at)).all()
    return Response(feed_calendar(coach, list(bookings)), mimetype="text/calendar",
                    headers={"Content-Disposition": 'inline; filename="coaching.ics"'})
