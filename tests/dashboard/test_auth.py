"""Signing in and out: rotation, lockout, rate limits, logout and idle timeout."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import select

from coaching.booking.models import Coach
from coaching.booking.seed import DEMO_EMAIL
from coaching.dashboard.models import AuditEvent
from coaching.dashboard.safety import safe_next
from tests.conftest import csrf_from

from .conftest import login


def test_login_page_is_private_and_uncached(client, coach):
    response = client.get("/dashboard/login")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert b'<meta name="robots" content="noindex' in response.data


def test_login_success_rotates_session_and_csrf(app, client, coach):
    before = csrf_from(client.get("/dashboard/login").data)
    with client.session_transaction() as sess:
        sess["planted"] = "by an attacker"
    response = login(client)
    assert response.status_code == 303
    assert response.headers["Location"] == "/dashboard/"
    with client.session_transaction() as sess:
        assert "planted" not in sess
        assert sess["_user_id"].startswith(f"{coach}:")
    after = csrf_from(client.get("/dashboard/account").data)
    assert after != before
    with app.app_context():
        assert AuditEvent.query.filter_by(action="login").count() == 1


def test_wrong_password_is_refused_with_message(client, coach):
    response = login(client, password="not the password at all")
    assert response.status_code == 422
    assert b"do not match an account" in response.data
    unknown = login(client, email="nobody@example.org", password="whatever-long-enough")
    assert unknown.status_code == 422
    assert b"do not match an account" in unknown.data


def test_empty_login_form_is_422_with_messages(client, coach):
    token = csrf_from(client.get("/dashboard/login").data)
    response = client.post("/dashboard/login", data={"csrf_token": token})
    assert response.status_code == 422
    assert b"Enter your email address." in response.data
    assert b"Enter your password." in response.data


def test_login_without_csrf_is_refused(client, coach):
    response = client.post("/dashboard/login", data={"email": DEMO_EMAIL, "password": "x"})
    assert response.status_code == 400


def test_lockout_after_repeated_failures(app, client, coach):
    for _ in range(4):
        assert login(client, password="wrong password again").status_code == 422
    fifth = login(client, password="wrong password again")
    assert fifth.status_code == 429
    assert b"locked after too many failed sign-in attempts" in fifth.data
    # Even the right password is refused while locked.
    right = login(client)
    assert right.status_code == 429
    with app.app_context():
        assert app.extensions["sqlalchemy"].session.get(Coach, coach).locked_until is not None
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=16), tick=False):
        assert login(client).status_code == 303


def test_rate_limit_per_email_and_ip(make_app, coach):
    app = make_app(RATELIMIT_ENABLED=True)
    client = app.test_client()
    statuses = [login(client, email=f"someone{i}@example.org", password="x" * 12).status_code
                for i in range(6)]
    assert statuses[:5] == [422] * 5
    assert statuses[5] == 429
    assert b"Too many sign-in attempts" in login(client).data


def test_safe_next_only_allows_local_paths():
    default = "/dashboard/"
    assert safe_next("/dashboard/bookings?show=past", default) == "/dashboard/bookings?show=past"
    for bad in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x",
                "\\\\evil", "", None, "/ok\r\nSet-Cookie: x"):
        assert safe_next(bad, default) == default


def test_next_redirect_after_login(client, coach):
    response = login(client, next_url="/dashboard/mail")
    assert response.headers["Location"] == "/dashboard/mail"
    client.post("/dashboard/logout", data={"csrf_token": csrf_from(client.get("/dashboard/").data)})
    evil = login(client, next_url="https://evil.example/")
    assert evil.headers["Location"] == "/dashboard/"


def test_logout_ends_the_session_server_side(app, coach_client, coach):
    old_cookie = coach_client.get_cookie("session").value
    token = csrf_from(coach_client.get("/dashboard/").data)
    response = coach_client.post("/dashboard/logout", data={"csrf_token": token})
    assert response.status_code == 303
    assert coach_client.get("/dashboard/").status_code == 303
    # Replaying the cookie from before the logout must not get back in.
    coach_client.set_cookie("session", old_cookie)
    replay = coach_client.get("/dashboard/")
    assert replay.status_code == 303
    assert "/dashboard/login" in replay.headers["Location"]


def test_logout_is_post_only(coach_client):
    assert coach_client.get("/dashboard/logout").status_code == 405


def test_idle_timeout_signs_out(make_app, coach):
    app = make_app(PERMANENT_SESSION_LIFETIME=60)
    client = app.test_client()
    assert login(client).status_code == 303
    assert client.get("/dashboard/").status_code == 200
    cookie = client.get_cookie("session").value
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=5)):
        expired = client.get("/dashboard/")  # the browser dropped the expired cookie
        assert expired.status_code == 303
        # A copied cookie replayed after its expiry is refused by the server too
        # (its signature carries a timestamp checked against the lifetime).
        client.set_cookie("session", cookie)
        replay = client.get("/dashboard/")
        assert replay.status_code == 303 and "/dashboard/login" in replay.headers["Location"]
    # A fresh cookie whose last activity is too old is ended with a message.
    client.delete_cookie("session")
    assert login(client).status_code == 303
    with client.session_transaction() as sess:
        sess["dash_seen"] -= 300
    response = client.get("/dashboard/")
    assert response.status_code == 303
    assert "reason=idle" in response.headers["Location"]
    page = client.get(response.headers["Location"])
    assert b"period of inactivity" in page.data


def test_password_is_rehashed_when_parameters_change(app, client, coach):
    from argon2 import PasswordHasher

    from coaching.extensions import db

    with app.app_context():
        demo = db.session.get(Coach, coach)
        demo.password_hash = PasswordHasher(time_cost=1, memory_cost=8192).hash(
            "compass-demo-2026")
        old = demo.password_hash
        db.session.commit()
    assert login(client).status_code == 303
    with app.app_context():
        new = db.session.scalar(select(Coach.password_hash).where(Coach.id == coach))
    assert new != old and re.match(r"^\$argon2id\$", new)
