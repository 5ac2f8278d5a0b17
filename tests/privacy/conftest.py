"""Bookings, mail and assessment rows to purge, export and erase."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)


def add_booking(session, coach_id, start, *, email="ada@example.com", name="Ada Lovelace",
                status="confirmed", with_result=False):
    """Insert a 15-minute booking with an outbox email, optionally a shared result."""
    from coaching.assessment.models import AssessmentResponse
    from coaching.booking.models import Booking
    from coaching.mail.models import OutboxEmail

    result = None
    if with_result:
        result = AssessmentResponse(
            public_id=secrets.token_urlsafe(16), instrument_version="1",
            answers={"q1": 4}, scores={"career": 70}, orientation="career",
        )
        session.add(result)
        session.flush()
    booking = Booking(
        coach_id=coach_id, start_at=start, end_at=start + timedelta(minutes=15),
        block_start=start - timedelta(minutes=5), block_end=start + timedelta(minutes=20),
        status=status, visitor_name=name, visitor_email=email, visitor_phone="+44 7700 900123",
        message="I am thinking of changing careers.", visitor_timezone="Europe/London",
        coach_notes="Wants to retrain.", assessment_response_id=result.id if result else None,
        manage_token_hash=hashlib.sha256(secrets.token_bytes(16)).hexdigest(),
    )
    session.add(booking)
    session.flush()
    session.add(OutboxEmail(
        idempotency_key=f"confirm-{booking.id}", kind="booking_confirmed", booking_id=booking.id,
        recipient=email, subject=f"Your call with the coach, {name}",
        text_body=f"Hello {name}", html_body=f"<p>Hello {name}</p>",
        attachments=[{"filename": "invite.ics", "content_type": "text/calendar",
                      "content": "BEGIN:VCALENDAR"}],
        status="sent",
    ))
    session.flush()
    return booking
