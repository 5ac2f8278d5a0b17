"""Sign-in safety rules: safe redirects and the lockout after repeated failures."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import or_, update

from ..booking.models import Coach
from ..extensions import db

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)


def safe_next(target: str | None, default: str) -> str:
    """Return `target` if it is a path on this site (never another host), else `default`."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


def is_locked(coach: Coach, now: datetime) -> bool:
    return coach.locked_until is not None and coach.locked_until > now


def register_failure(coach: Coach, now: datetime) -> None:
    """Count a wrong password; lock the account for a while after too many in a row."""
    coach.failed_logins = (coach.failed_logins or 0) + 1
    if coach.failed_logins >= MAX_FAILED_LOGINS:
        coach.locked_until = now + LOCKOUT
        coach.failed_logins = 0


def register_success(coach: Coach) -> None:
    coach.failed_logins = 0
    coach.locked_until = None


def claim_totp_step(coach: Coach, step: int) -> bool:
    """Record `step` as used unless a concurrent sign-in already used it (or a later one)."""
    claimed = db.session.execute(
        update(Coach)
        .where(Coach.id == coach.id,
               or_(Coach.totp_last_step.is_(None), Coach.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed:
        coach.totp_last_step = step
    return claimed == 1
