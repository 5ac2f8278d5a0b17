"""Outbox helpers for the coach's dashboard: see what is stuck, send it again."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, func, select

from ..db_types import utcnow
from ..extensions import db
from .models import OutboxEmail


def problem_emails(statuses: tuple[str, ...] = ("failed", "pending")) -> Select:
    """Return a query for failed and not-yet-sent emails, most recent first."""
    return (
        select(OutboxEmail)
        .where(OutboxEmail.status.in_(statuses))
        .order_by(OutboxEmail.created_at.desc(), OutboxEmail.id.desc())
    )


def status_counts() -> dict[str, int]:
    """Return how many emails are in each status."""
    rows = db.session.execute(
        select(OutboxEmail.status, func.count()).group_by(OutboxEmail.status)
    ).all()
    counts = {"pending": 0, "sending": 0, "sent": 0, "failed": 0}
    counts.update({status: count for status, count in rows})
    return counts


def retry(email_id: int, now: datetime | None = None) -> OutboxEmail | None:
    """Send a failed (or waiting) email again on the worker's next pass.

    Returns the row, or None if there is no such email or it was already sent
    (the caller answers 404 or 409). Attempts restart from zero, so the email
    gets a full round of retries; the last error stays visible until it goes.
    The caller commits.
    """
    email = db.session.get(OutboxEmail, email_id)
    if email is None or email.status not in ("failed", "pending"):
        return None
    email.status = "pending"
    email.attempts = 0
    email.next_attempt_at = now or utcnow()
    email.claimed_until = None
    db.session.flush()
    return email
