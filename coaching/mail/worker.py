"""The outbox worker: claim due emails, send them, record what happened.

Delivery is at-least-once with a tight bound. A row is claimed (status
`sending`, `claimed_until` a lease in the future) in its own short
transaction, sent, then marked `sent` in another. If the worker dies between
sending and marking, the lease runs out, another pass claims the row again
and sends it once more with the same Message-ID (derived from the
idempotency key), which mail clients use to collapse duplicates.

Claiming is safe with many workers on PostgreSQL (`FOR UPDATE SKIP LOCKED`:
each row goes to exactly one of them) and correct on SQLite, where
`BEGIN IMMEDIATE` takes the write lock before reading so two claimers queue
up instead of both reading the same rows.
"""

from __future__ import annotations

import logging
import os
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from importlib import import_module

from flask import Flask, current_app
from sqlalchemy import or_, select, update

from ..db_types import utcnow
from ..extensions import db
from ..sqlite import begin_immediate
from .backends import DeliveryError, backend_from_url
from .message import build_message
from .models import OutboxEmail
from .notify import message_id_for

log = logging.getLogger(__name__)

DEFAULTS = {
    "MAIL_MAX_ATTEMPTS": 12,  # 6 to 12 hours of retries with the delays below (jitter)
    "MAIL_RETRY_BASE_SECONDS": 30,
    "MAIL_RETRY_MAX_SECONDS": 4 * 3600,
    "MAIL_CLAIM_SECONDS": 300,  # a send that takes longer is presumed crashed
    "MAIL_BATCH_SIZE": 20,
    "MAIL_POLL_SECONDS": 5.0,
}

# Work the worker loop does besides sending, as (name, every, "module:function").
# Each function is called as `function(now)` inside an app context, on the
# first pass and then whenever `every` has passed since its last run in this
# process. Dotted paths keep the worker from importing every domain at start.
# Add the privacy engineer's daily purge here, e.g.
#     ("privacy purge", timedelta(days=1), "coaching.privacy.services:purge_expired"),
PERIODIC_TASKS: list[tuple[str, timedelta, str]] = [
    ("reminders", timedelta(minutes=1), "coaching.mail.reminders:queue_due_reminders"),
    ("privacy_purge", timedelta(days=1), "coaching.privacy.services:scheduled_purge"),
]


def setting(name: str):
    """Read a worker setting: app config, else the environment variable, else the default."""
    if name in current_app.config:
        return current_app.config[name]
    raw = os.environ.get(name)
    if raw:
        try:
            return type(DEFAULTS[name])(raw)
        except ValueError:
            log.warning("ignoring %s=%r: not a number", name, raw)
    return DEFAULTS[name]


def retry_delay(attempts: int, rng: random.Random | None = None) -> timedelta:
    """Return the wait after the `attempts`-th failure: exponential with "equal jitter".

    Half the exponential step is fixed and half random, so retries from many
    rows spread out yet each wait is never shorter than the previous one.
    """
    base = setting("MAIL_RETRY_BASE_SECONDS")
    step = min(base * 2 ** max(attempts - 1, 0), setting("MAIL_RETRY_MAX_SECONDS"))
    rng = rng or random
    return timedelta(seconds=step / 2 + rng.uniform(0, step / 2))


def _due(now: datetime):
    return or_(
        (OutboxEmail.status == "pending") & (OutboxEmail.next_attempt_at <= now),
        # A claim whose lease ran out belongs to a worker that died mid-send.
        (OutboxEmail.status == "sending") & (OutboxEmail.claimed_until < now),
    )


def begin_write() -> None:
    """Start a fresh write transaction (BEGIN IMMEDIATE on SQLite, see coaching.sqlite)."""
    begin_immediate(db.session)


def claim(now: datetime, limit: int) -> list[int]:
    """Claim up to `limit` due rows for this worker and commit; return their ids."""
    begin_write()
    ids = db.session.scalars(
        select(OutboxEmail.id)
        .where(_due(now))
        .order_by(OutboxEmail.next_attempt_at, OutboxEmail.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    if ids:
        db.session.execute(
            update(OutboxEmail)
            .where(OutboxEmail.id.in_(ids))
            .values(status="sending", attempts=OutboxEmail.attempts + 1,
                    claimed_until=now + timedelta(seconds=setting("MAIL_CLAIM_SECONDS")))
            .execution_options(synchronize_session=False)
        )
    db.session.commit()
    return list(ids)


def mark_sent(email_id: int, now: datetime) -> None:
    """Record a successful hand-over."""
    begin_write()
    db.session.execute(
        update(OutboxEmail)
        .where(OutboxEmail.id == email_id, OutboxEmail.status == "sending")
        .values(status="sent", sent_at=now, claimed_until=None, last_error="")
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def mark_failed(email_id: int, attempts: int, error: str, now: datetime) -> str:
    """Schedule another try after a failure, or give up; return the new status."""
    give_up = attempts >= setting("MAIL_MAX_ATTEMPTS")
    status = "failed" if give_up else "pending"
    begin_write()
    db.session.execute(
        update(OutboxEmail)
        .where(OutboxEmail.id == email_id, OutboxEmail.status == "sending")
        .values(status=status, claimed_until=None, last_error=error[:2000],
                next_attempt_at=now if give_up else now + retry_delay(attempts))
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return status


@dataclass
class PassResult:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def claimed(self) -> int:
        return self.sent + self.retrying + self.failed


def prepare(email: OutboxEmail, now: datetime):
    """Build the message for a claimed row; raise DeliveryError if it cannot be built."""
    message_id = email.message_id or message_id_for(email.idempotency_key)
    try:
        return build_message(email, mail_from=current_app.config["MAIL_FROM"], now=now,
                             message_id=message_id)
    except (ValueError, KeyError, TypeError) as exc:
        raise DeliveryError(f"cannot build the message: {exc}") from exc


def send_due(now: datetime | None = None, *, backend=None, limit: int | None = None) -> PassResult:
    """Send everything due now, batch by batch, until nothing due is left."""
    backend = backend or backend_from_url(current_app.config["MAIL_URL"])
    limit = limit or setting("MAIL_BATCH_SIZE")
    result = PassResult()
    while True:
        ids = claim(now or utcnow(), limit)
        if not ids:
            return result
        for email_id in ids:
            email = db.session.get(OutboxEmail, email_id)
            if email is None:  # purged while claimed
                continue
            attempts, recipient = email.attempts, email.recipient
            try:
                message = prepare(email, now or utcnow())
                # Hold no transaction (no snapshot, no locks) across network I/O.
                db.session.rollback()
                backend.send(message, recipient)
            except DeliveryError as exc:
                error = str(exc)
                status = mark_failed(email_id, attempts, error, now or utcnow())
                log.warning("mail %s to %s: attempt %s failed: %s",
                            email_id, recipient, attempts, error)
                result.errors.append(error)
                if status == "failed":
                    result.failed += 1
                else:
                    result.retrying += 1
                continue
            mark_sent(email_id, now or utcnow())
            result.sent += 1


class Periodic:
    """Run the PERIODIC_TASKS when each is due (kept per process)."""

    def __init__(self, tasks=None):
        self.tasks = list(PERIODIC_TASKS if tasks is None else tasks)
        self.last_run: dict[str, datetime] = {}

    def run_due(self, now: datetime) -> dict[str, object]:
        results = {}
        for name, every, target in self.tasks:
            last = self.last_run.get(name)
            if last is not None and now - last < every:
                continue
            self.last_run[name] = now
            try:
                results[name] = _resolve(target)(now)
            except Exception:  # one broken task must not stop the mail
                db.session.rollback()
                log.exception("periodic task %s failed", name)
                results[name] = "error"
        return results


def _resolve(target: str) -> Callable:
    module, _, attribute = target.partition(":")
    return getattr(import_module(module), attribute)


def run_once(periodic: Periodic | None = None, now: datetime | None = None) -> PassResult:
    """One worker pass: the due periodic tasks, then every due email."""
    (periodic or Periodic()).run_due(now or utcnow())
    return send_due(now)


def run_forever(app: Flask, stop: threading.Event, poll: float | None = None) -> None:
    """Loop until `stop` is set: pass, sleep, pass. Errors are logged, never fatal."""
    periodic = Periodic()
    with app.app_context():
        poll = poll if poll is not None else float(setting("MAIL_POLL_SECONDS"))
    while not stop.is_set():
        with app.app_context():
            try:
                run_once(periodic)
            except Exception:  # the database may be restarting; try again next pass
                log.exception("mail worker pass failed")
                db.session.rollback()
        stop.wait(poll)
