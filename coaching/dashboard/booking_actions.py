"""What the coach can do to a booking, each change audited in the same transaction."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time, timedelta

from sqlalchemy import or_, select

from ..booking import services as booking_services
from ..booking.models import Booking, Coach
from ..db_types import utcnow
from ..extensions import db
from ..sqlite import begin_immediate
from . import audit
from .models import AuditEvent

# Cells a spreadsheet would read as a formula; prefixed with a quote on export.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FILTERS = {"upcoming": "Upcoming", "past": "Past", "cancelled": "Cancelled",
           "no_show": "No-show", "all": "All"}


def coach_booking(coach: Coach, booking_id: int, *, for_update: bool = False) -> Booking | None:
    """Return the coach's booking, locked against concurrent changes when asked."""
    if for_update:
        begin_locked()
    query = select(Booking).where(Booking.id == booking_id, Booking.coach_id == coach.id)
    if for_update:
        query = query.with_for_update()
    return db.session.scalar(query)


def begin_locked() -> None:
    """Start a transaction that serialises writers (SQLite has no row locks)."""
    begin_immediate(db.session)


def move_choices(booking: Booking, now: datetime, days: int = 21) -> list[tuple[date, list]]:
    """Return the free slots the booking could move to, by the coach's local date."""
    coach = booking.coach
    today = now.astimezone(coach.zone).date()
    by_day, _ = booking_services.free_days(coach, today, today + timedelta(days=days - 1),
                                           coach.timezone, now, exclude=booking)
    return sorted(by_day.items())


def mark(booking: Booking, status: str) -> None:
    previous = booking.status
    booking.mark(status)
    audit.record(f"booking.mark_{status}", booking_id=booking.id, previous=previous)


def save_notes(booking: Booking, notes: str) -> None:
    booking.coach_notes = notes
    audit.record("booking.notes", booking_id=booking.id, length=len(notes))


def trail(booking: Booking) -> list[AuditEvent]:
    # "Booked by the visitor" is shown from booking.created_at, so its event is not repeated.
    return list(db.session.scalars(
        select(AuditEvent).where(AuditEvent.booking_id == booking.id,
                                 AuditEvent.action != "booking.created")
        .order_by(AuditEvent.created_at, AuditEvent.id)))


def list_query(coach: Coach, show: str, search: str, now: datetime):
    """Build the bookings list query for a filter and a name/email search."""
    query = select(Booking).where(Booking.coach_id == coach.id)
    if show == "upcoming":
        query = query.where(Booking.status == "confirmed", Booking.end_at > now)
        order = Booking.start_at.asc()
    else:
        order = Booking.start_at.desc()
        if show == "past":
            query = query.where(Booking.status != "cancelled", Booking.start_at <= now)
        elif show in ("cancelled", "no_show"):
            query = query.where(Booking.status == show)
    if search:
        query = query.where(or_(Booking.visitor_name.icontains(search, autoescape=True),
                                Booking.visitor_email.icontains(search, autoescape=True)))
    return query.order_by(order, Booking.id)


def safe_cell(value) -> str:
    """Return a CSV cell a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


CSV_HEADER = ("id", "start", "end", "time zone", "status", "name", "email", "phone",
              "visitor time zone", "message", "orientation", "booked at", "cancelled by",
              "cancel reason")


def export_csv(coach: Coach, first: date, last: date) -> str:
    """Return the bookings starting between two local dates (inclusive) as CSV text."""
    zone = coach.zone
    start = datetime.combine(first, time(), zone)
    end = datetime.combine(last + timedelta(days=1), time(), zone)
    bookings = db.session.scalars(
        select(Booking).where(Booking.coach_id == coach.id, Booking.start_at >= start,
                              Booking.start_at < end).order_by(Booking.start_at)).all()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for b in bookings:
        response = b.assessment_response
        writer.writerow([safe_cell(v) for v in (
            b.id, b.start_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
            b.end_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"), coach.timezone, b.status,
            b.visitor_name, b.visitor_email, b.visitor_phone, b.visitor_timezone, b.message,
            response.orientation if response else "", b.created_at.isoformat(timespec="seconds"),
            b.cancelled_by or "", b.cancel_reason)])
    return out.getvalue()


def now() -> datetime:
    return utcnow()
