"""What the booking flow calls to send mail: one function per event.

Each function only adds `OutboxEmail` rows to the current session, so the
mail is committed in the same transaction as the change that causes it, or
not at all. Delivery is the worker's job.

This first version writes plain-text messages; the mail issue replaces the
bodies with templates, HTML and calendar invites behind the same signatures.
"""

from __future__ import annotations

from datetime import datetime

from ..booking.models import Booking
from ..extensions import db
from .models import OutboxEmail


def queue(kind: str, *, recipient: str, subject: str, text: str, booking: Booking | None = None,
          html: str = "", attachments: list | None = None, reply_to: str = "",
          key: str | None = None) -> OutboxEmail:
    """Add one email to the outbox in the current transaction."""
    if booking is not None and booking.id is None:
        db.session.flush()  # the idempotency key needs the booking's id
    if key is None:
        booking_part = f"{booking.id}:{booking.ics_sequence}" if booking else "none"
        key = f"{kind}:{booking_part}:{recipient.lower()}"
    email = OutboxEmail(
        idempotency_key=key, kind=kind, booking_id=booking.id if booking else None,
        recipient=recipient, reply_to=reply_to, subject=subject, text_body=text,
        html_body=html, attachments=attachments or [],
    )
    db.session.add(email)
    return email


def _when(booking: Booking) -> str:
    return booking.start_at.strftime("%Y-%m-%d %H:%M UTC")


def booking_confirmed(booking: Booking, manage_url: str) -> None:
    """Queue the visitor's confirmation and the coach's notification."""
    coach = booking.coach
    queue("booking_confirmed", booking=booking, recipient=booking.visitor_email,
          reply_to=coach.email, subject=f"Your call with {coach.name} is booked",
          text=f"Hello {booking.visitor_name},\n\nYour call is booked for {_when(booking)}.\n"
               f"Change or cancel it here: {manage_url}\n")
    queue("coach_new_booking", booking=booking, recipient=coach.email,
          reply_to=booking.visitor_email, subject=f"New booking: {booking.visitor_name}",
          text=f"{booking.visitor_name} <{booking.visitor_email}> booked {_when(booking)}.\n")


def booking_cancelled(booking: Booking) -> None:
    """Queue the cancellation to the visitor (and a note to the coach if the visitor cancelled)."""
    coach = booking.coach
    reason = f"\nReason: {booking.cancel_reason}\n" if booking.cancel_reason else ""
    queue("booking_cancelled", booking=booking, recipient=booking.visitor_email,
          reply_to=coach.email, subject=f"Cancelled: your call with {coach.name}",
          text=f"Hello {booking.visitor_name},\n\nYour call on {_when(booking)} "
               f"has been cancelled.{reason}\n")
    if booking.cancelled_by == "visitor":
        queue("coach_booking_cancelled", booking=booking, recipient=coach.email,
              subject=f"Cancelled by visitor: {booking.visitor_name}",
              text=f"{booking.visitor_name} cancelled the call on {_when(booking)}.\n")


def booking_rescheduled(booking: Booking, previous_start: datetime,
                        manage_url: str | None = None) -> None:
    """Queue the new time to the visitor and the coach."""
    coach = booking.coach
    link = f"Change or cancel it here: {manage_url}\n" if manage_url else ""
    queue("booking_rescheduled", booking=booking, recipient=booking.visitor_email,
          reply_to=coach.email, subject=f"Moved: your call with {coach.name}",
          text=f"Hello {booking.visitor_name},\n\nYour call has moved to {_when(booking)}.\n{link}")
    queue("coach_booking_rescheduled", booking=booking, recipient=coach.email,
          subject=f"Moved: {booking.visitor_name}",
          text=f"{booking.visitor_name}'s call moved from "
               f"{previous_start:%Y-%m-%d %H:%M} UTC to {_when(booking)}.\n")

