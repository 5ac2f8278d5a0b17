"""The coach cancels while the visitor moves the same booking: one waits for the other."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from coaching.booking.models import Booking
from coaching.mail.models import OutboxEmail
from tests.conftest import csrf_from


@pytest.mark.postgres
def test_cancel_waits_for_a_concurrent_move_and_sees_it(app, coach_client, booking_factory):
    from coaching.extensions import db

    start = datetime.now(UTC).replace(microsecond=0, second=0) + timedelta(days=3)
    booking_id = booking_factory(start)
    token = csrf_from(coach_client.get(f"/dashboard/bookings/{booking_id}").data)
    with app.app_context():
        engine = db.engine
    moved_to = start + timedelta(hours=2)
    result = {}

    def coach_cancels():
        result["response"] = coach_client.post(f"/dashboard/bookings/{booking_id}/cancel",
                                               data={"csrf_token": token, "reason": "Clash"})

    with Session(engine) as visitor:
        # The visitor's reschedule holds the row, as the booking service does.
        booking = visitor.scalar(select(Booking).where(Booking.id == booking_id)
                                 .with_for_update())
        coach = threading.Thread(target=coach_cancels)
        coach.start()
        time.sleep(0.5)  # let the coach's request reach the lock (ordering, not an assertion)
        booking.move(moved_to, moved_to + timedelta(minutes=15), moved_to - timedelta(minutes=5),
                     moved_to + timedelta(minutes=20))
        visitor.commit()
    coach.join(timeout=30)

    assert result["response"].status_code == 303
    with app.app_context():
        final = db.session.get(Booking, booking_id)
        # Both changes survive: the move (sequence 1) then the cancel (sequence 2).
        assert final.status == "cancelled"
        assert final.start_at == moved_to
        assert final.ics_sequence == 2
        email = db.session.scalar(select(OutboxEmail).where(
            OutboxEmail.kind == "booking_cancelled"))
        assert f"{moved_to:%Y-%m-%d %H:%M}" in email.text_body


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
