"""The reminder: due 24 elapsed hours before the call, once, right across DST changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from coaching.booking.models import Booking
from coaching.extensions import db
from coaching.mail.models import OutboxEmail
from coaching.mail.reminders import queue_due_reminders, reminder_due_at
from coaching.mail.worker import Periodic, run_once

from .conftest import make_booking

SECOND = timedelta(seconds=1)


def reminders():
    db.session.expire_all()
    return db.session.scalars(
        select(OutboxEmail).where(OutboxEmail.kind == "booking_reminder").order_by(OutboxEmail.id)
    ).all()


def worker_pass_at(moment: datetime) -> None:
    """Run a real worker pass (periodic tasks, then delivery) with the clock frozen."""
    with time_machine.travel(moment, tick=False):
        run_once(Periodic())


def plain(email: OutboxEmail) -> str:
    return email.text_body


def test_london_autumn_change_reminder_is_24_real_hours_before(app, coach):
    # Clocks go back at 01:00 UTC on Sunday 25 October 2026: the call at 10:00 GMT
    # is reminded at 10:00 UTC on Saturday, which is 11:00 BST on the wall clock.
    start = datetime(2026, 10, 25, 10, 0, tzinfo=UTC)
    with app.app_context():
        booking = make_booking(coach, start, visitor_timezone="Europe/London",
                               created_at=datetime(2026, 10, 20, 12, 0, tzinfo=UTC))
        db.session.commit()
        assert reminder_due_at(booking) == datetime(2026, 10, 24, 10, 0, tzinfo=UTC)

        worker_pass_at(datetime(2026, 10, 24, 9, 59, 59, tzinfo=UTC))
        assert reminders() == []
        worker_pass_at(datetime(2026, 10, 24, 10, 0, tzinfo=UTC))
        (email,) = reminders()
        assert email.status == "sent"  # the same pass delivered it (file backend)
        worker_pass_at(datetime(2026, 10, 24, 10, 1, tzinfo=UTC))
        worker_pass_at(datetime(2026, 10, 25, 9, 0, tzinfo=UTC))
        assert len(reminders()) == 1

        assert email.recipient == "priya@example.org"
        assert "Sunday 25 October 2026, 10:00 to 10:15 (Greenwich Mean Time, Europe/London)" \
            in plain(email)
        assert "Alex Morgan's time" not in plain(email)
        assert email.subject == "Reminder: your call with Alex Morgan, Sun 25 Oct, 10:00"
        assert db.session.get(Booking, booking.id).reminder_sent_at == datetime(
            2026, 10, 24, 10, 0, tzinfo=UTC)


def test_new_york_spring_change_reminder_in_visitor_and_coach_zones(app, coach):
    # New York springs forward at 07:00 UTC on Sunday 8 March 2026. The call at
    # 10:00 EDT (14:00 UTC) is reminded at 14:00 UTC Saturday: 09:00 EST there.
    start = datetime(2026, 3, 8, 14, 0, tzinfo=UTC)
    with app.app_context():
        make_booking(coach, start, visitor_timezone="America/New_York",
                     created_at=datetime(2026, 3, 1, tzinfo=UTC))
        db.session.commit()
        worker_pass_at(datetime(2026, 3, 7, 13, 59, 59, tzinfo=UTC))
        assert reminders() == []
        worker_pass_at(datetime(2026, 3, 7, 14, 0, tzinfo=UTC))
        (email,) = reminders()
        text = plain(email)
        assert "Sunday 8 March 2026, 10:00 to 10:15 (Eastern Daylight Time, America/New_York)" \
            in text
        assert "Sunday 8 March 2026, 14:00 to 14:15 (Greenwich Mean Time, Europe/London)" in text


@pytest.mark.parametrize(
    ("lead", "due_before_start"),
    [
        (timedelta(hours=24), timedelta(hours=24)),  # exactly a day ahead: the normal rule
        (timedelta(hours=23, minutes=59), timedelta(hours=2)),  # inside 24 h
        (timedelta(hours=2, minutes=1), timedelta(hours=2)),  # just over 2 h left
        (timedelta(hours=2), None),  # 2 h or less: the confirmation is the reminder
        (timedelta(minutes=30), None),
    ],
)
def test_short_notice_rule(app, coach, lead, due_before_start):
    start = datetime(2030, 5, 6, 12, 0, tzinfo=UTC)
    with app.app_context():
        booking = make_booking(coach, start, created_at=start - lead)
        db.session.commit()
        due = reminder_due_at(booking)
        if due_before_start is None:
            assert due is None
            for moment in (start - lead, start - timedelta(minutes=1)):
                assert queue_due_reminders(moment) == 0
            assert reminders() == []
            return
        assert due == start - due_before_start
        assert queue_due_reminders(due - SECOND) == 0
        assert queue_due_reminders(due) == 1
        assert queue_due_reminders(due + SECOND) == 0
        assert len(reminders()) == 1


def test_late_worker_sends_before_the_call_but_never_after(app, coach):
    start = datetime(2030, 5, 6, 12, 0, tzinfo=UTC)
    with app.app_context():
        make_booking(coach, start, created_at=start - timedelta(days=5))
        late = make_booking(coach, start + timedelta(hours=3), visitor_email="late@example.org",
                            created_at=start - timedelta(days=5))
        db.session.commit()
        # The worker was down all day and comes back an hour before the first call.
        assert queue_due_reminders(start - timedelta(hours=1)) == 2
        assert {e.recipient for e in reminders()} == {"priya@example.org", "late@example.org"}

        db.session.get(Booking, late.id).reminder_sent_at = None
        gone = make_booking(coach, start + timedelta(days=1), visitor_email="gone@example.org",
                            created_at=start - timedelta(days=5))
        db.session.commit()
        assert queue_due_reminders(gone.start_at) == 0  # the call has started: too late
        assert queue_due_reminders(gone.start_at + timedelta(minutes=5)) == 0


def test_cancelled_get_none_and_moved_bookings_get_one_for_the_new_time(app, coach):
    start = datetime(2030, 5, 6, 12, 0, tzinfo=UTC)
    with app.app_context():
        kept = make_booking(coach, start, created_at=start - timedelta(days=5))
        cancelled = make_booking(coach, start + timedelta(hours=1),
                                 visitor_email="c@example.org",
                                 created_at=start - timedelta(days=5))
        cancelled.cancel(by="visitor")
        db.session.commit()
        assert queue_due_reminders(start - timedelta(hours=24)) == 1

        moved_to = start + timedelta(days=2)
        booking = db.session.get(Booking, kept.id)
        booking.move(moved_to, moved_to + timedelta(minutes=15),
                     moved_to - timedelta(minutes=5), moved_to + timedelta(minutes=20))
        db.session.commit()
        assert queue_due_reminders(start) == 0
        assert queue_due_reminders(moved_to - timedelta(hours=24)) == 1
        keys = [e.idempotency_key for e in reminders()]
        assert keys == [f"booking_reminder:{kept.id}:0:priya@example.org",
                        f"booking_reminder:{kept.id}:1:priya@example.org"]
        assert "Saturday 8 May 2030" not in reminders()[1].text_body
        assert "Wednesday 8 May 2030" in reminders()[1].text_body
