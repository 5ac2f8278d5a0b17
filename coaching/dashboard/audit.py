"""Recording what the coach did, for the audit trail on each booking and setting."""

from __future__ import annotations

from flask_login import current_user

from ..extensions import db
from .models import AuditEvent


def add(action: str, *, coach_id: int | None, actor: str, booking_id: int | None = None,
        **detail) -> AuditEvent:
    """Add an audit event to the current transaction."""
    event = AuditEvent(coach_id=coach_id, actor=actor, action=action,
                       booking_id=booking_id, detail=_jsonable(detail))
    db.session.add(event)
    return event


def record(action: str, *, booking_id: int | None = None, **detail) -> AuditEvent:
    """Add an audit event for the signed-in coach to the current transaction."""
    coach_id = current_user.id if current_user.is_authenticated else None
    return add(action, coach_id=coach_id, actor="coach", booking_id=booking_id, **detail)


def _jsonable(detail: dict) -> dict:
    """Turn dates and times into strings so the JSON column accepts them."""
    out = {}
    for key, value in detail.items():
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        out[key] = value
    return out


ACTION_LABELS = {
    "booking.cancelled": "Cancelled the booking",
    "booking.rescheduled": "Moved the booking",
    "booking.mark_completed": "Marked as completed",
    "booking.mark_no_show": "Marked as no-show",
    "booking.notes": "Updated private notes",
    "hours.add": "Added weekly hours",
    "hours.remove": "Removed weekly hours",
    "override.add": "Added a date override",
    "override.remove": "Removed a date override",
    "time_off.add": "Added time off",
    "rules.update": "Changed the booking rules",
    "mail.retry": "Retried an email",
    "account.password": "Changed the password",
    "account.feed_token": "Regenerated the calendar feed address",
    "account.totp_on": "Turned on two-step verification",
    "account.totp_off": "Turned off two-step verification",
    "login": "Signed in",
    "login.recovery_code": "Signed in with a recovery code",
}


def label(action: str) -> str:
    return ACTION_LABELS.get(action, action)
