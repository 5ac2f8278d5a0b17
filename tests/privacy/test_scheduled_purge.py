"""The mail worker runs the retention purge as one of its periodic tasks."""

from datetime import UTC, datetime, timedelta

from coaching.booking.models import Booking
from coaching.extensions import db
from coaching.mail.worker import PERIODIC_TASKS, Periodic


def test_worker_purges_bookings_past_retention(app, coach):
    assert any(name == "privacy_purge" for name, _, _ in PERIODIC_TASKS)
    long_ago = datetime(2024, 1, 8, 10, tzinfo=UTC)
    with app.app_context():
        db.session.add(Booking(
            coach_id=coach, start_at=long_ago, end_at=long_ago + timedelta(minutes=15),
            block_start=long_ago - timedelta(minutes=5),
            block_end=long_ago + timedelta(minutes=20), status="completed",
            visitor_name="Old Visitor", visitor_email="old@example.org",
            visitor_timezone="Europe/London", manage_token_hash="a" * 64,
        ))
        db.session.commit()
        results = Periodic().run_due(datetime(2026, 11, 21, tzinfo=UTC))
        assert results["privacy_purge"] != "error"
        db.session.expire_all()
        booking = db.session.scalars(db.select(Booking)).one()
        assert booking.anonymised_at is not None
        assert "old@example.org" not in (booking.visitor_email, booking.visitor_name)
