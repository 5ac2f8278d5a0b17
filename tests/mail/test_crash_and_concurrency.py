"""At-least-once with a bound: a crash resends once; many workers never double-send."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from coaching.extensions import db
from coaching.mail import notify, worker
from coaching.mail.models import OutboxEmail
from coaching.mail.worker import send_due

T0 = datetime(2030, 1, 7, 9, 0, tzinfo=UTC)


class Crash(BaseException):
    """Stands in for the process dying: not an Exception, so nothing catches it."""


def queue_plain(app, count: int) -> None:
    with app.app_context():
        for n in range(count):
            notify.queue("test", recipient=f"person{n}@example.org", subject=f"Message {n}",
                         text=f"Body {n}", key=f"test:{n}")
        db.session.commit()


def test_crash_between_send_and_mark_resends_once_with_same_message_id(
    mail_app, smtp_server, monkeypatch
):
    queue_plain(mail_app, 1)
    real_mark_sent = worker.mark_sent

    def die(*_args, **_kwargs):
        raise Crash

    with mail_app.app_context(), time_machine.travel(T0, tick=False) as traveller:
        monkeypatch.setattr(worker, "mark_sent", die)
        with pytest.raises(Crash):
            send_due()
        db.session.rollback()
        assert len(smtp_server.received) == 1
        row = db.session.scalars(select(OutboxEmail)).one()
        assert row.status == "sending" and row.attempts == 1

        monkeypatch.setattr(worker, "mark_sent", real_mark_sent)
        # While the dead worker's claim lasts, nobody else takes the row.
        traveller.move_to(row.claimed_until - timedelta(seconds=1))
        assert send_due().claimed == 0
        traveller.move_to(row.claimed_until + timedelta(seconds=1))
        assert send_due().sent == 1
        traveller.shift(timedelta(days=1))
        assert send_due().claimed == 0
        db.session.expire_all()
        row = db.session.scalars(select(OutboxEmail)).one()
        assert row.status == "sent" and row.attempts == 2

    first, second = smtp_server.received
    assert first["Message-ID"] == second["Message-ID"] == row.message_id
    assert first["Subject"] == second["Subject"]


def run_workers(app, count: int) -> list[BaseException]:
    """Start `count` worker threads together; each has its own app context and connection."""
    start = threading.Barrier(count)
    errors: list[BaseException] = []

    def work():
        try:
            with app.app_context():
                start.wait()
                send_due(limit=5)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def assert_each_delivered_once(app, server, expected: int) -> None:
    counts = Counter(server.handler.message_ids())
    with app.app_context():
        ids = db.session.scalars(select(OutboxEmail.message_id)).all()
        statuses = dict(db.session.execute(
            select(OutboxEmail.status, func.count()).group_by(OutboxEmail.status)).all())
    assert statuses == {"sent": expected}
    assert len(counts) == expected and set(counts) == set(ids)
    duplicates = {mid: n for mid, n in counts.items() if n > 1}
    assert duplicates == {}


@pytest.mark.postgres
def test_several_workers_on_postgresql_deliver_200_none_twice_none_lost(make_app, smtp_server):
    app = make_app(MAIL_URL=smtp_server.url,
                   SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 8, "pool_pre_ping": True})
    queue_plain(app, 200)
    errors = run_workers(app, 6)
    assert errors == []
    assert_each_delivered_once(app, smtp_server, 200)


@pytest.mark.sqlite_only
def test_competing_workers_on_sqlite_stay_correct(make_app, smtp_server):
    app = make_app(MAIL_URL=smtp_server.url)
    queue_plain(app, 60)
    errors = run_workers(app, 3)
    assert errors == []
    assert_each_delivered_once(app, smtp_server, 60)
