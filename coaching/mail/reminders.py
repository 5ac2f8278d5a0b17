"""The reminder before each call, queued by the worker's periodic pass."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from ..booking.models import Booking
from ..extensions import db
from . import notify
from .models import OutboxEmail
from .worker import begin_write

REMINDER_LEAD = timedelta(hours=24)
SHORT_NOTICE_LEAD = timedelta(hours=2)


def reminder_due_at(booking: Booking) -> datetime | None:
    """Return when the booking's reminder is due, or None if it gets none.

    The rule, in elapsed time (UTC), so a daylight-saving change between the
    reminder and the call makes it 23 or 25 hours on the wall clock, never a
    wrong day:

    - Booked at least 24 hours ahead: due 24 hours before the start.
    - Booked less than 24 hours ahead: the confirmation has only just arrived,
      so there is no "24-hour" reminder. If more than 2 hours remained when
      the booking was made, one reminder is due 2 hours before the start;
      otherwise none (the confirmation is the reminder).
    - Once due, it is queued on the worker's next pass up to the start of the
      call (a worker that was down sends it late rather than never), and never
      once the call has started.
    - Sent once per booking and time: `reminder_sent_at` records it, and the
      idempotency key includes `ics_sequence`. Moving a booking clears
      `reminder_sent_at` (Booking.move), so the new time gets its own
      reminder, judged from the original booking time.
    """
    lead = booking.start_at - booking.created_at
    if lead >= REMINDER_LEAD:
        return booking.start_at - REMINDER_LEAD
    if lead > SHORT_NOTICE_LEAD:
        return booking.start_at - SHORT_NOTICE_LEAD
    return None


def reminder_key(booking: Booking) -> str:
    """Return the reminder's idempotency key: one per booking and time (ics_sequence)."""
    return f"booking_reminder:{booking.id}:{booking.ics_sequence}:{booking.visitor_email.lower()}"


def queue_due_reminders(now: datetime) -> int:
    """Queue every reminder due at `now` and commit; return how many were queued."""
    begin_write()
    candidates = db.session.scalars(
        select(Booking)
        .where(
            Booking.status == "confirmed",
            Booking.reminder_sent_at.is_(None),
            Booking.start_at > now,
            Booking.start_at <= now + REMINDER_LEAD,
        )
        .order_by(Booking.start_at)
        # Two workers must not both queue the same reminder: the loser skips it.
        .with_for_update(skip_locked=True, of=Booking)
    ).all()
    queued = 0
    for booking in candidates:
        due = reminder_due_at(booking)
        if due is None or now < due:
            continue
        key = reminder_key(booking)
        already = db.session.scalar(
            select(OutboxEmail.id).where(OutboxEmail.idempotency_key == key)
        )
        if already is None:
            notify.booking_reminder(booking, key=key)
        booking.reminder_sent_at = now
        queued += 1
    db.session.commit()
    return queued
