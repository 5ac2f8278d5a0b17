"""Dashboard fixtures: a signed-in client and bookings inserted directly."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import csrf_from, sign_in

login = sign_in  # the dashboard tests' historical name


@pytest.fixture
def page_token(coach_client):
    """Return the CSRF token from a dashboard page."""

    def fetch(path: str = "/dashboard/account") -> str:
        response = coach_client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        return csrf_from(response.data)

    return fetch


def insert_booking(coach_id: int, start: datetime, *, minutes: int = 15, status="confirmed",
                   name="Sam Visitor", email="sam@example.org", message="Hello", **extra):
    """Add a booking row straight to the database (the booking flow is not under test)."""
    from coaching.booking.models import Booking
    from coaching.extensions import db

    booking = Booking(
        coach_id=coach_id, start_at=start, end_at=start + timedelta(minutes=minutes),
        block_start=start - timedelta(minutes=5),
        block_end=start + timedelta(minutes=minutes + 5), status=status, visitor_name=name,
        visitor_email=email, message=message, visitor_timezone="Europe/Paris",
        manage_token_hash=hashlib.sha256(secrets.token_bytes(16)).hexdigest(), **extra)
    db.session.add(booking)
    db.session.commit()
    return booking.id


@pytest.fixture
def booking_factory(app, coach):
    def make(start: datetime | None = None, **kwargs) -> int:
        with app.app_context():
            when = start or (datetime.now(UTC).replace(microsecond=0) + timedelta(days=2))
            return insert_booking(coach, when, **kwargs)

    return make
