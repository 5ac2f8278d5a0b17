"""The coach's export and erase page."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from coaching.booking.models import Booking
from coaching.dashboard.models import AuditEvent
from tests.conftest import csrf_from, sign_in
from tests.privacy.conftest import NOW, add_booking


def _signed_in(app, coach_id):
    client = app.test_client()
    assert sign_in(client).status_code == 303
    return client


def test_privacy_page_needs_login(app):
    response = app.test_client().get("/dashboard/privacy")
    assert response.status_code == 303
    assert "/dashboard/login" in response.headers["Location"]


def test_export_downloads_json_and_is_audited(app, coach):
    from coaching.extensions import db

    with app.app_context():
        add_booking(db.session, coach, NOW - timedelta(days=2))
        db.session.commit()
    client = _signed_in(app, coach)
    page = client.get("/dashboard/privacy")
    assert page.status_code == 200
    assert "Cookie decisions in the last 30 days" in page.get_data(as_text=True)
    token = csrf_from(page.data)
    response = client.post("/dashboard/privacy/export",
                           data={"csrf_token": token, "export-email": "ada@example.com"})
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.data)
    assert data["bookings"][0]["name"] == "Ada Lovelace"
    with app.app_context():
        assert db.session.scalar(
            select(AuditEvent.action).where(AuditEvent.action.like("privacy.%"))
        ) == "privacy.export"


def test_export_bad_email_is_422(app, coach):
    client = _signed_in(app, coach)
    token = csrf_from(client.get("/dashboard/privacy").data)
    response = client.post("/dashboard/privacy/export",
                           data={"csrf_token": token, "export-email": "not an email" * 50})
    assert response.status_code == 422
    assert "There is a problem" in response.get_data(as_text=True)


def test_erase_asks_to_confirm_then_erases_and_audits(app, coach):
    from coaching.extensions import db

    with app.app_context():
        add_booking(db.session, coach, NOW - timedelta(days=2), status="completed")
        db.session.commit()
    client = _signed_in(app, coach)
    token = csrf_from(client.get("/dashboard/privacy").data)
    ask = client.post("/dashboard/privacy/erase",
                      data={"csrf_token": token, "erase-email": "ada@example.com"})
    assert ask.status_code == 200
    html = ask.get_data(as_text=True)
    assert "Erase everything about ada@example.com?" in html
    assert 'name="erase-confirm" value="yes"' in html
    with app.app_context():
        assert db.session.scalar(select(Booking.visitor_email)) == "ada@example.com"

    done = client.post("/dashboard/privacy/erase", data={
        "csrf_token": token, "erase-email": "ada@example.com", "erase-confirm": "yes"})
    assert done.status_code == 303
    assert client.get(done.headers["Location"]).get_data(as_text=True).count("Erased.") == 1
    with app.app_context():
        assert db.session.scalar(select(Booking.visitor_email)) == ""
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action.like("privacy.%")))
        assert event.action == "privacy.erase" and event.detail["bookings"] == 1
        assert "ada" not in json.dumps(event.detail)
