"""Booking services on a real database: rules, outbox rows, the database guarantees."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from coaching.booking import services
from coaching.booking.availability import Slot
from coaching.booking.models import Booking, BookingStateError, Coach
from coaching.dashboard.models import AuditEvent
from coaching.extensions import db
from coaching.mail.models import OutboxEmail
from coaching.metrics import DailyCounter

from .conftest import FROZEN, MONDAY_9

NOW = FROZEN


def _book(coach_id, start=MONDAY_9, email="ada@example.com", now=NOW):
    coach = db.session.get(Coach, coach_id)
    return services.book(coach, start, name="Ada", email=email, tz="Europe/London", now=now)


def _outbox_kinds():
    return sorted(db.session.scalars(select(OutboxEmail.kind)))


def test_book_stores_blocks_hash_outbox_audit_and_metric(db_session, coach):
    booking, token = _book(coach)
    assert booking.start_at == MONDAY_9 and booking.end_at == MONDAY_9 + timedelta(minutes=15)
    assert booking.block_start == MONDAY_9 - timedelta(minutes=5)
    assert booking.block_end == MONDAY_9 + timedelta(minutes=20)
    assert booking.manage_token_hash == services.hash_token(token) != token
    assert len(token) >= 43
    assert services.find_by_token(token).id == booking.id
    assert services.find_by_token(token + "x") is None
    assert _outbox_kinds() == ["booking_confirmed", "coach_new_booking"]
    assert db_session.scalar(select(AuditEvent.action)) == "booking.created"
    assert db_session.scalar(select(DailyCounter.count).where(
        DailyCounter.metric == "booking_made")) == 1


def test_taken_and_overlapping_slots_raise_with_alternatives_and_write_no_mail(db_session, coach):
    _book(coach)
    for start in (MONDAY_9, MONDAY_9 + timedelta(minutes=15)):
        with pytest.raises(services.SlotUnavailable) as caught:
            _book(coach, start, email="bob@example.com")
        assert caught.value.alternatives
        assert all(isinstance(s, Slot) for s in caught.value.alternatives)
        assert MONDAY_9 + timedelta(minutes=30) in [s.start for s in caught.value.alternatives]
    assert db_session.scalar(select(func.count(Booking.id))) == 1
    assert len(_outbox_kinds()) == 2


@pytest.mark.parametrize("start, words", [
    (NOW - timedelta(hours=1), "passed"),
    (MONDAY_9 + timedelta(minutes=7), "not one of the times"),
    (NOW + timedelta(hours=6), "12 hours"),  # Friday 16:00: open, but inside the notice
    (MONDAY_9 + timedelta(days=70), "60 days"),
    (MONDAY_9 - timedelta(days=2), "not one of the times"),  # Saturday
])
def test_times_never_offered_are_invalid(db_session, coach, start, words):
    with pytest.raises(services.InvalidBooking) as caught:
        _book(coach, start)
    assert words in caught.value.message
    assert db_session.scalar(select(func.count(OutboxEmail.id))) == 0


def test_daily_cap(db_session, coach):
    for i in range(8):
        _book(coach, MONDAY_9 + timedelta(minutes=30 * i), email=f"p{i}@example.com")
    with pytest.raises(services.SlotUnavailable):
        _book(coach, MONDAY_9 + timedelta(hours=6), email="late@example.com")
    assert _book(coach, MONDAY_9 + timedelta(days=1), email="tue@example.com").booking.id


def test_cancel_frees_the_slot_and_queues_mail(db_session, coach):
    booking, _ = _book(coach)
    services.cancel(booking, "visitor", "Found a job", now=NOW)
    assert booking.status == "cancelled" and booking.cancel_reason == "Found a job"
    assert "booking_cancelled" in _outbox_kinds()
    again, _ = _book(coach, email="bob@example.com")
    assert again.start_at == MONDAY_9
    with pytest.raises(BookingStateError):
        services.cancel(booking, "visitor", now=NOW)


def test_visitor_cannot_cancel_a_started_call_but_coach_can(db_session, coach):
    booking, _ = _book(coach)
    later = MONDAY_9 + timedelta(minutes=1)
    with pytest.raises(BookingStateError):
        services.cancel(booking, "visitor", now=later)
    services.cancel(booking, "coach", "Ill", now=later)
    assert booking.status == "cancelled" and booking.cancelled_by == "coach"


def test_reschedule_moves_in_place_and_frees_the_old_time(db_session, coach):
    booking, _ = _book(coach)
    uid, sequence = booking.ics_uid, booking.ics_sequence
    # 09:15 overlaps the booking's own old block: allowed, since it moves.
    services.reschedule(booking, MONDAY_9 + timedelta(minutes=15), "visitor", now=NOW)
    assert booking.start_at == MONDAY_9 + timedelta(minutes=15)
    assert booking.ics_uid == uid and booking.ics_sequence == sequence + 1
    assert "booking_rescheduled" in _outbox_kinds()
    with pytest.raises(services.SlotUnavailable):
        _book(coach, MONDAY_9, email="bob@example.com")  # still blocked by the 09:15 buffers
    services.reschedule(booking, MONDAY_9 + timedelta(hours=2), "coach", now=NOW)
    assert _book(coach, MONDAY_9, email="bob@example.com").booking.start_at == MONDAY_9


def test_reschedule_to_a_taken_time_changes_nothing(db_session, coach):
    mine, _ = _book(coach)
    _book(coach, MONDAY_9 + timedelta(hours=1), email="bob@example.com")
    with pytest.raises(services.SlotUnavailable) as caught:
        services.reschedule(mine, MONDAY_9 + timedelta(hours=1), "visitor", now=NOW)
    assert caught.value.alternatives
    db_session.expire_all()
    assert db_session.get(Booking, mine.id).start_at == MONDAY_9
    assert "booking_rescheduled" not in _outbox_kinds()
    with pytest.raises(services.InvalidBooking):
        services.reschedule(mine, MONDAY_9 + timedelta(minutes=3), "visitor", now=NOW)


def test_free_slots_for_a_visitor_zone(db_session, coach):
    from datetime import date

    demo = db_session.get(Coach, coach)
    slots = services.free_slots(demo, date(2026, 11, 24), date(2026, 11, 24), "Pacific/Auckland",
                                NOW)
    assert len(slots) == 32  # London Monday 11:00-17:00 and Tuesday 09:00-11:00 GMT
    assert services.current_coach().id == coach


def test_the_database_refuses_two_live_bookings_at_one_start(db_session, coach):
    """The last line of defence on both databases: the partial unique index."""
    def row(email):
        return Booking(coach_id=coach, start_at=MONDAY_9, end_at=MONDAY_9 + timedelta(minutes=15),
                       block_start=MONDAY_9, block_end=MONDAY_9 + timedelta(minutes=15),
                       visitor_name="x", visitor_email=email, visitor_timezone="UTC",
                       manage_token_hash=services.hash_token(email))
    db_session.add(row("a@example.com"))
    db_session.commit()
    db_session.add(row("b@example.com"))
    with pytest.raises(IntegrityError):
        db_session.commit()
    db_session.rollback()


@pytest.mark.postgres
def test_postgres_refuses_overlapping_blocks(db_session, coach):
    def row(start, email, status="confirmed"):
        return Booking(coach_id=coach, start_at=start, end_at=start + timedelta(minutes=15),
                       block_start=start - timedelta(minutes=5),
                       block_end=start + timedelta(minutes=20), status=status,
                       visitor_name="x", visitor_email=email, visitor_timezone="UTC",
                       manage_token_hash=services.hash_token(email))
    db_session.add(row(MONDAY_9, "a@example.com"))
    db_session.add(row(MONDAY_9 + timedelta(minutes=10), "c@example.com", status="cancelled"))
    db_session.commit()
    db_session.add(row(MONDAY_9 + timedelta(minutes=10), "b@example.com"))
    with pytest.raises(IntegrityError):
        db_session.commit()
    db_session.rollback()


def test_a_constraint_violation_becomes_slot_unavailable(db_session, coach, monkeypatch):
    """If the Python check were fooled, the database still refuses and we answer 409."""
    _book(coach)
    monkeypatch.setattr(services, "_offered_slot", lambda coach, start, now, exclude_id=None:
                        Slot(start, start + timedelta(minutes=15)))
    overlapping = MONDAY_9 if db.engine.dialect.name == "sqlite" else MONDAY_9 + timedelta(
        minutes=15)
    with pytest.raises(services.SlotUnavailable):
        _book(coach, overlapping, email="bob@example.com")
    assert db_session.scalar(select(func.count(Booking.id))) == 1
    assert len(_outbox_kinds()) == 2
