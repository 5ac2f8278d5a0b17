"""Retention purge, export and erasure, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select

from coaching.assessment.models import AssessmentResponse
from coaching.booking.models import Booking
from coaching.consent.models import ConsentRecord
from coaching.mail.models import OutboxEmail
from coaching.privacy import services
from tests.privacy.conftest import NOW, add_booking


def _count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def test_purge_anonymises_bookings_past_retention_only(app, db_session, coach):
    days = app.config["BOOKING_RETENTION_DAYS"]
    old = add_booking(db_session, coach, NOW - timedelta(days=days + 1), status="completed",
                      with_result=True)
    recent = add_booking(db_session, coach, NOW - timedelta(days=days - 1), status="completed",
                         email="bea@example.com")
    db_session.commit()
    old_id, recent_id = old.id, recent.id

    result = services.purge(NOW)
    db_session.commit()
    assert result == {"bookings": 1, "emails": 1, "consent_records": 0}

    old = db_session.get(Booking, old_id)
    assert old.anonymised_at == NOW
    assert (old.visitor_name, old.visitor_email, old.visitor_phone) == ("(erased)", "", "")
    assert old.message == old.coach_notes == ""
    assert old.assessment_response_id is None
    assert old.status == "completed" and old.start_at  # the numbers survive
    mail = db_session.scalar(select(OutboxEmail).where(OutboxEmail.booking_id == old_id))
    assert (mail.recipient, mail.text_body, mail.html_body, mail.attachments) == ("", "", "", [])
    assert "Ada" not in mail.subject

    recent = db_session.get(Booking, recent_id)
    assert recent.visitor_email == "bea@example.com" and recent.anonymised_at is None
    # Running again finds nothing more to do.
    assert services.purge(NOW)["bookings"] == 0


def test_purge_deletes_old_consent_records(app, db_session):
    keep_days = app.config["CONSENT_RECORD_RETENTION_DAYS"]
    for age in (keep_days + 1, keep_days - 1):
        db_session.add(ConsentRecord(consent_id=f"id-{age}", policy_revision=1,
                                     choices={"analytics": False, "media": False},
                                     action="reject_all", created_at=NOW - timedelta(days=age)))
    db_session.commit()
    assert services.purge(NOW)["consent_records"] == 1
    db_session.commit()
    assert db_session.scalars(select(ConsentRecord.consent_id)).all() == [f"id-{keep_days - 1}"]


def test_export_gathers_everything_about_one_address(db_session, coach):
    add_booking(db_session, coach, NOW - timedelta(days=3), with_result=True)
    add_booking(db_session, coach, NOW + timedelta(days=3), email="ADA@example.com")
    add_booking(db_session, coach, NOW + timedelta(days=4), email="other@example.com")
    db_session.commit()
    data = services.export(" Ada@Example.com ")
    json.dumps(data)  # JSON-able as it stands
    assert data["email"] == "ada@example.com"
    assert len(data["bookings"]) == 2
    assert {b["phone"] for b in data["bookings"]} == {"+44 7700 900123"}
    assert len(data["emails"]) == 2
    assert data["assessment_results"][0]["answers"] == {"q1": 4}
    assert services.export("nobody@example.com")["bookings"] == []


def test_erase_removes_personal_data_and_frees_upcoming_slots(db_session, coach):
    past = add_booking(db_session, coach, NOW - timedelta(days=3), status="completed",
                       with_result=True)
    upcoming = add_booking(db_session, coach, NOW + timedelta(days=3))
    other = add_booking(db_session, coach, NOW + timedelta(days=4), email="other@example.com")
    db_session.commit()
    ids = past.id, upcoming.id, other.id

    result = services.erase("ada@example.com", NOW)
    db_session.commit()
    assert result == {"bookings": 2, "cancelled": 1, "emails": 2, "assessment_results": 1}
    past, upcoming, other = (db_session.get(Booking, i) for i in ids)
    assert past.visitor_email == upcoming.visitor_email == ""
    assert upcoming.status == "cancelled"
    assert other.visitor_email == "other@example.com"
    assert _count(db_session, AssessmentResponse) == 0
    assert services.export("ada@example.com")["bookings"] == []
    assert db_session.scalar(
        select(func.count()).select_from(OutboxEmail).where(OutboxEmail.recipient != "")
    ) == 1


def test_purge_cli_command(app, db_session, coach):
    days = app.config["BOOKING_RETENTION_DAYS"]
    add_booking(db_session, coach, NOW - timedelta(days=days + 30), status="completed")
    db_session.commit()
    result = app.test_cli_runner().invoke(args=["privacy", "purge"])
    assert result.exit_code == 0, result.output
    assert "Anonymised 1 booking(s)" in result.output
    db_session.expire_all()
    assert db_session.scalar(select(Booking.visitor_name)) == "(erased)"


def test_counts_groups_decisions_by_action(db_session):
    from coaching.consent.services import counts

    for action, age in (("accept_all", 1), ("reject_all", 1), ("reject_all", 2),
                        ("withdraw", 1), ("custom", 40)):
        db_session.add(ConsentRecord(consent_id="x", policy_revision=1, choices={},
                                     action=action, created_at=NOW - timedelta(days=age)))
    db_session.commit()
    result = counts(NOW - timedelta(days=30), NOW)
    assert result == {"accept_all": 1, "reject_all": 2, "custom": 0, "withdraw": 1, "total": 4}
