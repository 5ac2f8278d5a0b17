"""The calendar feed, the mail outbox page and the account page (password, TOTP)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
import time_machine
from icalendar import Calendar
from sqlalchemy import select

from coaching.booking.models import Coach
from coaching.dashboard.models import AuditEvent
from coaching.mail.models import OutboxEmail
from tests.conftest import csrf_from

from .conftest import login


def _coach(app, coach_id):
    from coaching.extensions import db

    with app.app_context():
        row = db.session.get(Coach, coach_id)
        db.session.expunge(row)
        return row


def test_feed_lists_live_bookings_with_uid_and_sequence(app, client, coach, booking_factory):
    start = datetime(2030, 5, 6, 9, 0, tzinfo=UTC)
    live = booking_factory(start, name="Live Lee")
    booking_factory(start + timedelta(hours=2), name="Gone Gail", status="cancelled")
    token = _coach(app, coach).feed_token
    response = client.get(f"/dashboard/feed/{token}.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert "Set-Cookie" not in response.headers
    calendar = Calendar.from_ical(response.data)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    event = events[0]
    assert str(event["UID"]) == f"booking-{live}@coaching"
    assert int(event["SEQUENCE"]) == 0
    assert event.decoded("DTSTART") == start
    assert b"DTSTART:20300506T090000Z" in response.data
    assert "Live Lee" in str(event["SUMMARY"])


def test_feed_wrong_token_is_404(client, coach):
    assert client.get("/dashboard/feed/not-the-token.ics").status_code == 404
    assert client.get("/dashboard/feed/.ics").status_code == 404


def test_regenerating_the_feed_token_revokes_the_old_one(app, coach_client, page_token, coach):
    old = _coach(app, coach).feed_token
    page = coach_client.get("/dashboard/account").data.decode()
    assert f"http://localhost/dashboard/feed/{old}.ics" in page
    response = coach_client.post("/dashboard/account/feed-token",
                                 data={"csrf_token": page_token()})
    assert response.status_code == 303
    new = _coach(app, coach).feed_token
    assert new != old
    assert coach_client.get(f"/dashboard/feed/{old}.ics").status_code == 404
    assert coach_client.get(f"/dashboard/feed/{new}.ics").status_code == 200


def _email(app, status, **extra):
    from coaching.extensions import db

    with app.app_context():
        email = OutboxEmail(idempotency_key=f"k-{status}-{extra.get('recipient', '')}",
                            kind="booking_confirmed", recipient=extra.get("recipient", "a@b.org"),
                            subject="Hi", text_body="Hi", status=status, attempts=5,
                            last_error=extra.get("last_error", ""))
        db.session.add(email)
        db.session.commit()
        return email.id


def test_mail_page_lists_and_filters(app, coach_client):
    _email(app, "sent", recipient="sent@example.org")
    _email(app, "failed", recipient="failed@example.org", last_error="550 mailbox <full>")
    html = coach_client.get("/dashboard/mail").data.decode()
    assert "sent@example.org" in html and "failed@example.org" in html
    assert "550 mailbox &lt;full&gt;" in html
    failed_only = coach_client.get("/dashboard/mail?status=failed").data.decode()
    assert "sent@example.org" not in failed_only and "failed@example.org" in failed_only
    assert coach_client.get("/dashboard/mail?status=bogus").status_code == 200


def test_mail_retry_resets_failed_email(app, coach_client, page_token):
    failed = _email(app, "failed", recipient="failed@example.org")
    sent = _email(app, "sent", recipient="sent@example.org")
    token = page_token("/dashboard/mail")
    response = coach_client.post(f"/dashboard/mail/{failed}/retry", data={"csrf_token": token})
    assert response.status_code == 303
    from coaching.extensions import db

    with app.app_context():
        email = db.session.get(OutboxEmail, failed)
        assert (email.status, email.attempts) == ("pending", 0)
        assert email.next_attempt_at <= datetime.now(UTC)
        assert AuditEvent.query.filter_by(action="mail.retry").count() == 1
    conflict = coach_client.post(f"/dashboard/mail/{sent}/retry", data={"csrf_token": token})
    assert conflict.status_code == 409
    missing = coach_client.post("/dashboard/mail/999/retry", data={"csrf_token": token})
    assert missing.status_code == 404


def test_password_change_ends_other_sessions(app, coach_client, page_token, coach):
    other = app.test_client()
    assert login(other).status_code == 303
    token = page_token()
    weak = coach_client.post("/dashboard/account/password", data={
        "csrf_token": token, "current": "compass-demo-2026", "new": "short", "confirm": "short"})
    assert weak.status_code == 422 and "at least 12 characters" in weak.data.decode()
    wrong = coach_client.post("/dashboard/account/password", data={
        "csrf_token": token, "current": "nope", "new": "a brand new passphrase",
        "confirm": "a brand new passphrase"})
    assert wrong.status_code == 422 and "not your current password" in wrong.data.decode()
    mismatch = coach_client.post("/dashboard/account/password", data={
        "csrf_token": token, "current": "compass-demo-2026", "new": "a brand new passphrase",
        "confirm": "another passphrase"})
    assert mismatch.status_code == 422 and "do not match" in mismatch.data.decode()
    ok = coach_client.post("/dashboard/account/password", data={
        "csrf_token": token, "current": "compass-demo-2026", "new": "a brand new passphrase",
        "confirm": "a brand new passphrase"})
    assert ok.status_code == 303
    assert coach_client.get("/dashboard/").status_code == 200
    assert other.get("/dashboard/").status_code == 303
    assert login(other, password="a brand new passphrase").status_code == 303


def test_totp_setup_login_and_recovery_code(app, coach_client, page_token, coach, request):
    traveller = time_machine.travel(datetime.now(UTC), tick=False)
    clock = traveller.start()
    request.addfinalizer(traveller.stop)
    token = page_token()
    assert coach_client.post("/dashboard/account/totp/start",
                             data={"csrf_token": token}).status_code == 303
    page = coach_client.get("/dashboard/account").data.decode()
    assert "<svg" in page and "QR code for your authenticator app" in page
    with coach_client.session_transaction() as sess:
        secret = sess["dash_totp_setup"]
    bad = coach_client.post("/dashboard/account/totp/confirm",
                            data={"csrf_token": token, "code": "12345x"})
    assert bad.status_code == 422 and "6-digit code" in bad.data.decode()
    done = coach_client.post("/dashboard/account/totp/confirm",
                             data={"csrf_token": token, "code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200
    html = done.data.decode()
    codes = [c for chunk in html.split("<li><code>")[1:] for c in [chunk.split("</code>")[0]]]
    assert len(codes) == 10
    stored = _coach(app, coach).recovery_codes
    assert len(stored) == 10 and not set(codes) & set(stored)  # only hashes are kept

    # The setup code's time step is used up: move to the next one before signing in.
    clock.shift(timedelta(seconds=30))

    # Sign out, then in: the password alone is not enough.
    coach_client.post("/dashboard/logout", data={"csrf_token": csrf_from(
        coach_client.get("/dashboard/").data)})
    step = login(coach_client)
    assert step.headers["Location"] == "/dashboard/login/code"
    assert coach_client.get("/dashboard/").status_code == 303
    code_page = coach_client.get("/dashboard/login/code")
    wrong = coach_client.post("/dashboard/login/code", data={
        "csrf_token": csrf_from(code_page.data), "code": "000000"})
    assert wrong.status_code == 422
    used = pyotp.TOTP(secret).now()
    right = coach_client.post("/dashboard/login/code", data={
        "csrf_token": csrf_from(code_page.data), "code": used})
    assert right.status_code == 303 and right.headers["Location"] == "/dashboard/"
    assert coach_client.get("/dashboard/").status_code == 200

    # A recovery code works once (spaces and case do not matter).
    def sign_in_with(code):
        coach_client.delete_cookie("session")
        login(coach_client)
        code_page = coach_client.get("/dashboard/login/code")
        return coach_client.post("/dashboard/login/code", data={
            "csrf_token": csrf_from(code_page.data), "code": code})

    assert sign_in_with(codes[0].upper()).status_code == 303
    assert sign_in_with(codes[0]).status_code == 422
    assert len(_coach(app, coach).recovery_codes) == 9
    from coaching.extensions import db

    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "account.totp_on" in actions and "login.recovery_code" in actions

    # A code that signed in once cannot sign in again inside its window (no replay),
    # and neither can an older one; the next step's code can.
    assert sign_in_with(used).status_code == 422
    clock.shift(timedelta(seconds=30))
    assert sign_in_with(used).status_code == 422
    assert sign_in_with(pyotp.TOTP(secret).now()).status_code == 303


def test_totp_code_step_without_password_goes_back(client, coach):
    response = client.get("/dashboard/login/code")
    assert response.status_code == 303 and response.headers["Location"] == "/dashboard/login"
