"""An SMTP server that is down or refuses: rows wait with backoff, then go exactly once."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from coaching.extensions import db
from coaching.mail import notify, services
from coaching.mail.models import OutboxEmail
from coaching.mail.worker import retry_delay, send_due

from .conftest import make_booking

T0 = datetime(2030, 1, 7, 9, 0, tzinfo=UTC)


def rows():
    db.session.expire_all()
    return db.session.scalars(select(OutboxEmail).order_by(OutboxEmail.id)).all()


def queue_mail(app, coach, count: int = 3) -> None:
    """A real booking's two emails plus plain ones, committed."""
    with app.app_context():
        booking = make_booking(coach, T0 + timedelta(days=3))
        notify.booking_confirmed(booking, "http://localhost/bookings/t")
        for n in range(count - 2):
            notify.queue("test", recipient=f"person{n}@example.org", subject=f"Test {n}",
                         text="Hello.", key=f"test:{n}")
        db.session.commit()


FAILURES = {
    "down": None,
    "451": "451 4.3.0 Mailbox temporarily unavailable",
    "550": "550 5.7.1 Relaying denied",
}


@pytest.mark.parametrize("failure", list(FAILURES))
def test_failures_back_off_then_every_message_goes_exactly_once(
    mail_app, coach, smtp_server, failure
):
    queue_mail(mail_app, coach, count=4)
    if failure == "down":
        smtp_server.stop()
    else:
        smtp_server.handler.reply = FAILURES[failure]

    gaps = []
    with mail_app.app_context(), time_machine.travel(T0, tick=False) as traveller:
        now = T0
        for attempt in (1, 2, 3):
            result = send_due()
            assert (result.sent, result.retrying, result.failed) == (0, 4, 0)
            current = rows()
            assert {r.status for r in current} == {"pending"}
            assert {r.attempts for r in current} == {attempt}
            expected = "Connection refused" if failure == "down" else FAILURES[failure][:3]
            assert all(expected in r.last_error for r in current), current[0].last_error
            gaps.append(min(r.next_attempt_at for r in current) - now)
            # Nothing is due before the earliest retry.
            traveller.move_to(min(r.next_attempt_at for r in current) - timedelta(seconds=1))
            assert send_due().claimed == 0
            now = max(r.next_attempt_at for r in current)
            traveller.move_to(now)
        assert gaps[0] < gaps[1] < gaps[2]
        assert smtp_server.received == []

        if failure == "down":
            smtp_server.start_again()
        else:
            smtp_server.handler.reply = "250 OK"
        result = send_due()
        assert (result.sent, result.retrying, result.failed) == (4, 0, 0)
        traveller.shift(timedelta(days=1))
        assert send_due().claimed == 0
        final = rows()

    assert {r.status for r in final} == {"sent"}
    assert all(r.last_error == "" and r.claimed_until is None for r in final)
    counts = Counter(smtp_server.handler.message_ids())
    assert sorted(counts) == sorted(r.message_id for r in final)
    assert set(counts.values()) == {1}


def test_gives_up_after_max_attempts_and_the_coach_can_retry(make_app, coach, smtp_server):
    app = make_app(MAIL_URL=smtp_server.url, MAIL_MAX_ATTEMPTS=3)
    queue_mail(app, coach, count=2)
    smtp_server.handler.reply = "550 5.1.1 No such user"
    with app.app_context(), time_machine.travel(T0, tick=False) as traveller:
        for _ in range(3):
            send_due()
            pending = [r for r in rows() if r.status == "pending"]
            if pending:
                traveller.move_to(max(r.next_attempt_at for r in pending))
        failed = rows()
        assert [r.status for r in failed] == ["failed", "failed"]
        assert all(r.attempts == 3 and "550 5.1.1" in r.last_error for r in failed)
        traveller.shift(timedelta(days=30))
        assert send_due().claimed == 0  # failed is final until someone acts

        listed = db.session.scalars(services.problem_emails()).all()
        assert {r.id for r in listed} == {r.id for r in failed}
        assert services.status_counts()["failed"] == 2
        assert services.retry(failed[0].id) is not None
        assert services.retry(123456) is None
        db.session.commit()
        smtp_server.handler.reply = "250 OK"
        assert send_due().sent == 1
        after = rows()
        assert [r.status for r in after] == ["sent", "failed"]
        assert services.retry(after[0].id) is None  # already sent: nothing to retry


def test_retry_delay_grows_with_jitter_and_is_capped(app):
    with app.app_context():
        for seed in range(200):
            rng = random.Random(seed)
            delays = [retry_delay(n, rng) for n in range(1, 14)]
            uncapped = [d for d in delays if d <= timedelta(hours=2)]
            assert uncapped == sorted(uncapped)
            assert all(d <= timedelta(hours=4) for d in delays)
        # The jitter really spreads retries out.
        assert len({retry_delay(5) for _ in range(20)}) > 1
