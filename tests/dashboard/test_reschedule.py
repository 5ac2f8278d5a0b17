"""The coach moves a call on the visitor's behalf, and previews what visitors can book."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from coaching.booking import services
from coaching.booking.models import Booking, Coach
from coaching.dashboard.models import AuditEvent
from coaching.extensions import db
from coaching.mail.models import OutboxEmail
from tests.conftest import csrf_from


def _book(app, coach_id, at=None):
    with app.app_context():
        coach = db.session.get(Coach, coach_id)
        now = datetime.now(UTC)
        slots = services.free_slots(coach, now.date(), now.date() + timedelta(days=14), "UTC", now)
        booked = services.book(coach, at or slots[0].start, name="Ruth Visitor",
                               email="ruth@example.org", tz="America/New_York")
        return booked.booking.id, [slot.start for slot in slots]


def _move(client, booking_id, start):
    page = client.get(f"/dashboard/bookings/{booking_id}")
    return client.post(f"/dashboard/bookings/{booking_id}/reschedule",
                       data={"csrf_token": csrf_from(page.data), "start": start})


def test_booking_page_offers_free_times_to_move_to(app, coach_client, coach):
    booking_id, slots = _book(app, coach)
    html = coach_client.get(f"/dashboard/bookings/{booking_id}").get_data(as_text=True)
    assert "Move this call" in html
    assert f'value="{slots[8].isoformat()}"' in html
    assert f'value="{slots[0].isoformat()}"' not in html  # its own time is not offered


def test_coach_moves_the_call_and_the_visitor_is_told(app, coach_client, coach):
    booking_id, slots = _book(app, coach)
    response = _move(coach_client, booking_id, slots[8].isoformat())
    assert response.status_code == 303
    with app.app_context():
        booking = db.session.get(Booking, booking_id)
        assert booking.start_at == slots[8] and booking.ics_sequence == 1
        kinds = db.session.scalars(select(OutboxEmail.kind)
                                   .where(OutboxEmail.booking_id == booking_id)).all()
        assert "booking_rescheduled" in kinds
        event = db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "booking.rescheduled"))
        assert event.actor == "coach" and event.booking_id == booking_id
    assert "Moved the booking" in coach_client.get(
        f"/dashboard/bookings/{booking_id}").get_data(as_text=True)


def test_moving_onto_a_taken_time_is_a_conflict(app, coach_client, coach):
    booking_id, slots = _book(app, coach)
    other_id, _ = _book(app, coach, at=slots[8])
    response = _move(coach_client, booking_id, slots[8].isoformat())
    assert response.status_code == 409
    assert "no longer free" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Booking, booking_id).start_at == slots[0]
        assert db.session.get(Booking, other_id).start_at == slots[8]


def test_bad_new_times_are_422(app, coach_client, coach):
    booking_id, slots = _book(app, coach)
    for bad in ("", "tomorrow", "2026-13-40T99:00", "2026-11-23T09:00:00",  # no offset
                (slots[0] + timedelta(minutes=7)).isoformat(),  # not on the slot grid
                "1999-01-04T09:00:00+00:00"):  # in the past
        response = _move(coach_client, booking_id, bad)
        assert response.status_code == 422, (bad, response.status_code)
    with app.app_context():
        assert db.session.get(Booking, booking_id).ics_sequence == 0


def test_a_cancelled_booking_cannot_be_moved(app, coach_client, coach):
    booking_id, slots = _book(app, coach)
    with app.app_context():
        services.cancel(db.session.get(Booking, booking_id), by="visitor")
    response = _move(coach_client, booking_id, slots[8].isoformat())
    assert response.status_code == 409


def test_availability_previews_next_weeks_slots(app, coach_client, coach):
    html = coach_client.get("/dashboard/availability").get_data(as_text=True)
    assert "Next week's slots" in html
    with app.app_context():
        coach_row = db.session.get(Coach, coach)
        now = datetime.now(UTC)
        today = now.astimezone(coach_row.zone).date()
        slots = services.free_slots(coach_row, today, today + timedelta(days=6),
                                    coach_row.zone, now)
    assert slots, "the demo coach offers slots within a week"
    first_local = slots[0].start.astimezone(coach_row.zone).strftime("%H:%M")
    assert first_local in html
