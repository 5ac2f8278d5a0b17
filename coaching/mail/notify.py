"""What the booking flow calls to send mail: one function per event.

Each function only adds `OutboxEmail` rows to the current session, so the
mail is committed in the same transaction as the change that causes it, or
not at all. Delivery is the worker's job (`coaching.mail.worker`).

Every message is rendered now, in the recipient's time zone (the visitor's
`visitor_timezone`, the coach's `coach.timezone`), from `templates/email/`
as text and HTML; visitor messages about a booking carry its calendar
invite. Replies from a visitor go to the coach, and the coach's replies go
to the visitor.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from email.utils import parseaddr

from flask import current_app

from ..booking.models import Booking
from ..extensions import db
from . import ics
from .calendar_links import calendar_links
from .formatting import short_when, when
from .models import OutboxEmail


def message_id_for(key: str) -> str:
    """Derive the Message-ID from the idempotency key, so a resend is recognisably the same."""
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]
    _, sender = parseaddr(current_app.config["MAIL_FROM"])
    domain = sender.rpartition("@")[2] or "coaching.invalid"
    return f"<{digest}@{domain}>"


def _one_line(value: str) -> str:
    # Subjects are headers: a newline in a visitor's name must not end them.
    return re.sub(r"\s+", " ", value).strip()


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
        recipient=recipient, reply_to=reply_to, subject=_one_line(subject)[:300],
        text_body=text, html_body=html, attachments=attachments or [],
        message_id=message_id_for(key),
    )
    db.session.add(email)
    return email


def render(template: str, **context) -> tuple[str, str]:
    """Render `email/<template>.txt` and `.html` with the practice's details."""
    config = current_app.config
    context.setdefault("practice_name", config["PRACTICE_NAME"])
    context.setdefault("public_base_url", config["PUBLIC_BASE_URL"])
    # The environment directly, not render_template: the worker renders
    # reminders outside any request, and request-bound context processors
    # have nothing to offer an email.
    env = current_app.jinja_env
    text = env.get_template(f"email/{template}.txt").render(context)
    html = env.get_template(f"email/{template}.html").render(context)
    return text, html


def _coach_of(booking: Booking):
    if booking.id is None:
        # A new booking built with coach_id only: flushing gives it an id
        # (for the UID and keys) and lets `booking.coach` load.
        db.session.flush()
    return booking.coach


def _base_context(booking: Booking, **extra) -> dict:
    coach = _coach_of(booking)
    config = current_app.config
    context = {
        "booking": booking,
        "coach": coach,
        "visitor_when": when(booking.start_at, booking.end_at, booking.visitor_timezone),
        "coach_when": when(booking.start_at, booking.end_at, coach.timezone),
        "show_coach_zone": booking.visitor_timezone != coach.timezone,
        "dashboard_url": config["PUBLIC_BASE_URL"] + "/dashboard/",
        "book_url": config["PUBLIC_BASE_URL"] + "/book",
    }
    context.update(extra)
    return context


def _shared_assessment(booking: Booking) -> dict | None:
    response = booking.assessment_response
    if response is None:
        return None
    scores = [
        (str(name).replace("_", " ").capitalize(), value)
        for name, value in (response.scores or {}).items()
    ]
    return {
        "orientation_label": str(response.orientation).replace("_", " ").capitalize(),
        "scores": scores,
    }


def _visitor_subject_time(booking: Booking) -> str:
    return short_when(booking.start_at, booking.visitor_timezone)


def _coach_subject_time(booking: Booking) -> str:
    return short_when(booking.start_at, booking.coach.timezone)


def booking_confirmed(booking: Booking, manage_url: str) -> None:
    """Queue the visitor's confirmation (with invite) and the coach's notification."""
    coach = _coach_of(booking)
    context = _base_context(booking, manage_url=manage_url,
                            # Without the manage link: it is private, and these URLs
                            # go to Google and Microsoft.
                            calendar_links=calendar_links(booking))
    text, html = render("visitor_confirmed", subject="Your call is booked", **context)
    queue("booking_confirmed", booking=booking, recipient=booking.visitor_email,
          reply_to=coach.email, text=text, html=html,
          subject=f"Booked: your call with {coach.name}, {_visitor_subject_time(booking)}",
          attachments=[ics.attachment(booking, method="REQUEST", manage_url=manage_url)])

    context["assessment"] = _shared_assessment(booking)
    text, html = render("coach_new_booking", subject="New booking", **context)
    queue("coach_new_booking", booking=booking, recipient=coach.email,
          reply_to=booking.visitor_email, text=text, html=html,
          subject=f"New booking: {booking.visitor_name}, {_coach_subject_time(booking)}")


def booking_cancelled(booking: Booking) -> None:
    """Queue the cancellation to the visitor (and a note to the coach if the visitor cancelled)."""
    coach = _coach_of(booking)
    context = _base_context(booking)
    text, html = render("visitor_cancelled", subject="Your call is cancelled", **context)
    queue("booking_cancelled", booking=booking, recipient=booking.visitor_email,
          reply_to=coach.email, text=text, html=html,
          subject=f"Cancelled: your call with {coach.name}, {_visitor_subject_time(booking)}",
          attachments=[ics.attachment(booking, method="CANCEL")])
    if booking.cancelled_by == "visitor":
        text, html = render("coach_cancelled", subject="Booking cancelled", **context)
        queue("coach_booking_cancelled", booking=booking, recipient=coach.email,
              reply_to=booking.visitor_email, text=text, html=html,
              subject=f"Cancelled by visitor: {booking.visitor_name}, "
                      f"{_coach_subject_time(booking)}")


def booking_rescheduled(booking: Booking, previous_start: datetime,
                        manage_url: str | None = None) -> None:
    """Queue the new time to the visitor (with the updated invite) and the coach."""
    coach = _coach_of(booking)
    previous_end = previous_start + (booking.end_at - booking.start_at)
    context = _base_context(
        booking, manage_url=manage_url,
        previous_visitor_when=when(previous_start, previous_end, booking.visitor_timezone),
        previous_coach_when=when(previous_start, previous_end, coach.timezone),
    )
    text, html = render("visitor_rescheduled", subject="Your call has moved", **context)
    queue("booking_rescheduled", booking=booking, recipient=booking.visitor_email,
          reply_to=coach.email, text=text, html=html,
          subject=f"Moved: your call with {coach.name}, now {_visitor_subject_time(booking)}",
          attachments=[ics.attachment(booking, method="REQUEST", manage_url=manage_url)])
    text, html = render("coach_rescheduled", subject="Booking moved", **context)
    queue("coach_booking_rescheduled", booking=booking, recipient=coach.email,
          reply_to=booking.visitor_email, text=text, html=html,
          subject=f"Moved: {booking.visitor_name}, now {_coach_subject_time(booking)}")


def booking_reminder(booking: Booking, key: str | None = None) -> OutboxEmail:
    """Queue the visitor's reminder before the call (see `reminders.queue_due_reminders`)."""
    coach = _coach_of(booking)
    context = _base_context(booking)
    text, html = render("visitor_reminder", subject="Your call is coming up", **context)
    return queue("booking_reminder", booking=booking, recipient=booking.visitor_email,
                 reply_to=coach.email, text=text, html=html,
                 key=key, subject=f"Reminder: your call with {coach.name}, "
                         f"{_visitor_subject_time(booking)}")
