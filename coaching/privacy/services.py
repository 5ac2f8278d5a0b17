"""Retention, export and erasure of visitors' personal data.

A booking's personal data (name, email, phone, message, notes, the shared
assessment) is needed to hold the call and for a while after it; then it is
anonymised in place so the coach's numbers (how many calls, when) survive.
Emails about the booking are scrubbed with it. Each function flushes; the
caller commits once.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, or_, select

from ..assessment.models import AssessmentResponse
from ..booking.models import Booking
from ..consent.models import ConsentRecord
from ..extensions import db
from ..mail.models import OutboxEmail

ERASED = "(erased)"


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def _bookings_for(email: str) -> list[Booking]:
    return list(
        db.session.scalars(
            select(Booking)
            .where(func.lower(Booking.visitor_email) == normalise_email(email))
            .order_by(Booking.start_at)
        )
    )


def _emails_for(email: str, booking_ids: list[int]) -> list[OutboxEmail]:
    condition = func.lower(OutboxEmail.recipient) == normalise_email(email)
    if booking_ids:
        condition = or_(condition, OutboxEmail.booking_id.in_(booking_ids))
    return list(db.session.scalars(select(OutboxEmail).where(condition).order_by(OutboxEmail.id)))


def _anonymise_booking(booking: Booking, now: datetime) -> None:
    booking.visitor_name = ERASED
    booking.visitor_email = ""
    booking.visitor_phone = ""
    booking.message = ""
    booking.coach_notes = ""
    booking.cancel_reason = ""
    booking.assessment_response_id = None
    # A new random hash: the old manage link stops working, and the column stays unique.
    booking.manage_token_hash = hashlib.sha256(secrets.token_bytes(32)).hexdigest()
    booking.anonymised_at = now


def _scrub_email(email: OutboxEmail) -> None:
    email.recipient = ""
    email.reply_to = ""
    email.subject = ERASED
    email.text_body = ""
    email.html_body = ""
    email.attachments = []
    email.last_error = ""
    if email.status in ("pending", "sending"):
        # Never deliver a scrubbed message to nobody; keep the row for the counts.
        email.status = "failed"
        email.last_error = "erased before delivery"
        email.claimed_until = None


def purge(now: datetime) -> dict[str, int]:
    """Anonymise bookings past their retention period and delete old consent records."""
    config = current_app.config
    cutoff = now - timedelta(days=config["BOOKING_RETENTION_DAYS"])
    due = list(
        db.session.scalars(
            select(Booking).where(Booking.anonymised_at.is_(None), Booking.end_at < cutoff)
        )
    )
    ids = [b.id for b in due]
    emails = (
        list(db.session.scalars(select(OutboxEmail).where(OutboxEmail.booking_id.in_(ids))))
        if ids
        else []
    )
    for email in emails:
        _scrub_email(email)
    for booking in due:
        _anonymise_booking(booking, now)
    consent_cutoff = now - timedelta(days=config["CONSENT_RECORD_RETENTION_DAYS"])
    removed = db.session.execute(
        delete(ConsentRecord).where(ConsentRecord.created_at < consent_cutoff)
    ).rowcount
    db.session.flush()
    return {"bookings": len(due), "emails": len(emails), "consent_records": removed or 0}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def export(email: str) -> dict:
    """Return everything held about `email` as JSON-ready data (a subject access export)."""
    bookings = _bookings_for(email)
    emails = _emails_for(email, [b.id for b in bookings])
    response_ids = {b.assessment_response_id for b in bookings if b.assessment_response_id}
    results = (
        list(db.session.scalars(
            select(AssessmentResponse).where(AssessmentResponse.id.in_(response_ids))
        ))
        if response_ids
        else []
    )
    return {
        "email": normalise_email(email),
        "bookings": [
            {
                "id": b.id,
                "start": _iso(b.start_at),
                "end": _iso(b.end_at),
                "status": b.status,
                "name": b.visitor_name,
                "email": b.visitor_email,
                "phone": b.visitor_phone,
                "message": b.message,
                "time_zone": b.visitor_timezone,
                "coach_notes": b.coach_notes,
                "cancelled_at": _iso(b.cancelled_at),
                "cancelled_by": b.cancelled_by,
                "cancel_reason": b.cancel_reason,
                "assessment_result_id": b.assessment_response_id,
                "created_at": _iso(b.created_at),
            }
            for b in bookings
        ],
        "emails": [
            {
                "id": m.id,
                "kind": m.kind,
                "booking_id": m.booking_id,
                "to": m.recipient,
                "subject": m.subject,
                "text": m.text_body,
                "status": m.status,
                "created_at": _iso(m.created_at),
                "sent_at": _iso(m.sent_at),
            }
            for m in emails
        ],
        "assessment_results": [
            {
                "id": r.id,
                "instrument_version": r.instrument_version,
                "answers": r.answers,
                "scores": r.scores,
                "orientation": r.orientation,
                "created_at": _iso(r.created_at),
            }
            for r in results
        ],
    }


def erase(email: str, now: datetime) -> dict[str, int]:
    """Erase everything held about `email`: cancel upcoming calls, anonymise, scrub mail."""
    bookings = _bookings_for(email)
    emails = _emails_for(email, [b.id for b in bookings])
    response_ids = {b.assessment_response_id for b in bookings if b.assessment_response_id}
    cancelled = 0
    for booking in bookings:
        if booking.status == "confirmed" and booking.start_at > now:
            # An anonymised live booking would block the slot for a call nobody will join.
            booking.cancel(by="coach", reason="", at=now)
            cancelled += 1
    for email_row in emails:
        _scrub_email(email_row)
    for booking in bookings:
        _anonymise_booking(booking, now)
    db.session.flush()
    removed_results = 0
    if response_ids:
        still_linked = set(
            db.session.scalars(
                select(Booking.assessment_response_id).where(
                    Booking.assessment_response_id.in_(response_ids)
                )
            )
        )
        orphaned = response_ids - still_linked
        if orphaned:
            removed_results = db.session.execute(
                delete(AssessmentResponse).where(AssessmentResponse.id.in_(orphaned))
            ).rowcount or 0
    db.session.flush()
    return {
        "bookings": len(bookings),
        "cancelled": cancelled,
        "emails": len(emails),
        "assessment_results": removed_results,
    }


def summary(email: str) -> dict[str, int]:
    """Count what is held about `email`, for the erasure confirmation step."""
    bookings = _bookings_for(email)
    emails = _emails_for(email, [b.id for b in bookings])
    return {
        "bookings": len(bookings),
        "upcoming": sum(1 for b in bookings if b.is_upcoming),
        "emails": len(emails),
        "assessment_results": len({b.assessment_response_id for b in bookings
                                   if b.assessment_response_id}),
    }


def scheduled_purge(now: datetime) -> dict[str, int]:
    """Run `purge` and commit: the mail worker calls this once a day."""
    result = purge(now)
    db.session.commit()
    return result
