"""The coach cancels while the visitor moves the same booking: one waits for the other."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from coaching.booking.models import Booking
from coaching.mail.models import OutboxEmail
from tests.conftest import csrf_from


def _two_free_slots(app, coach_id):
    from coaching.booking import services
    from coaching.booking.models import Coach
    from coaching.extensions import db

    with app.app_context():
        coach = db.session.get(Coach, coach_id)
        now = datetime.now(UTC)
        today = now.date()
        slots = services.free_slots(coach, today, today + timedelta(days=14), "UTC", now)
        return slots[0].start, slots[8].start


@pytest.mark.parametrize("round_", range(4))
def test_coach_cancel_racing_visitor_reschedule_stays_consistent(app, coach_client, coach,
                                                                 round_):
    """Released together, the two changes serialise: the outcome matches one order or the other."""
    from coaching.booking import services
    from coaching.booking.models import Coach
    from coaching.extensions import db

    first, second = _two_free_slots(app, coach)
    with app.app_context():
        booked = services.book(db.session.get(Coach, coach), first, name="Vera Visitor",
                               email="vera@example.org", tz="Europe/Paris")
        booking_id = booked.booking.id
    token = csrf_from(coach_client.get(f"/dashboard/bookings/{booking_id}").data)
    barrier = threading.Barrier(2)
    result = {}

    def coach_cancels():
        barrier.wait()
        result["coach"] = coach_client.post(f"/dashboard/bookings/{booking_id}/cancel",
                                            data={"csrf_token": token, "reason": "Clash"})

    def visitor_moves():
        with app.app_context():
            booking = db.session.get(Booking, booking_id)
            barrier.wait()
            try:
                services.reschedule(booking, second, by="visitor")
                result["visitor"] = "moved"
            except Exception as error:  # noqa: BLE001 - the loser's error is the evidence
                result["visitor"] = type(error).__name__

    threads = [threading.Thread(target=coach_cancels), threading.Thread(target=visitor_moves)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert result["coach"].status_code == 303  # a confirmed booking can always be cancelled
    with app.app_context():
        final = db.session.get(Booking, booking_id)
        kinds = sorted(db.session.scalars(
            select(OutboxEmail.kind).where(OutboxEmail.booking_id == booking_id)))
        assert final.status == "cancelled"
        if result["visitor"] == "moved":
            # The move committed first, then the cancel saw the new time.
            assert final.start_at == second and final.ics_sequence == 2
            assert kinds.count("booking_rescheduled") == 1
        else:
            # The cancel committed first; the move was refused and changed nothing.
            assert result["visitor"] == "BookingStateError"
            assert final.start_at == first and final.ics_sequence == 1
            assert "booking_rescheduled" not in kinds
        assert kinds.count("booking_cancelled") == 1
        assert kinds.count("booking_confirmed") == 1


def test_cancel_after_the_visitor_cancelled_is_a_conflict(app, coach_client, booking_factory):
    from coaching.extensions import db

    booking_id = booking_factory()
    token = csrf_from(coach_client.get(f"/dashboard/bookings/{booking_id}").data)
    with app.app_context():
        db.session.get(Booking, booking_id).cancel(by="visitor")
        db.session.commit()
    response = coach_client.post(f"/dashboard/bookings/{booking_id}/cancel",
                                 data={"csrf_token": token, "reason": "Too late"})
    assert response.status_code == 409
    assert "cannot be cancelled" in response.data.decode()
    with app.app_context():
        assert db.session.scalar(select(OutboxEmail)) is None
