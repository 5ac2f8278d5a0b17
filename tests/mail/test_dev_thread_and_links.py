"""The development worker thread, and the add-to-calendar links and partial."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

from flask import render_template_string

from coaching.extensions import db
from coaching.mail import notify
from coaching.mail.calendar_links import calendar_links, google_url, outlook_url

from .conftest import make_booking

START = datetime(2030, 3, 12, 14, 0, tzinfo=UTC)


def mail_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "mail-worker"]


def wait_for(predicate, limit: float = 30.0) -> bool:
    """Poll until `predicate()` holds or `limit` seconds pass (a wait, not a timing check)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def test_thread_starts_on_first_request_only_and_delivers(make_app, coach, tmp_path):
    outbox = tmp_path / "dev-mail"
    app = make_app(MAIL_URL=f"file://{outbox}", MAIL_WORKER_THREAD=True)
    assert mail_threads() == []  # creating the app (db upgrade, seed, tests) starts nothing
    with app.app_context():
        booking = make_booking(coach, START)
        notify.booking_confirmed(booking, "http://localhost/bookings/tok")
        db.session.commit()
    assert mail_threads() == []

    client = app.test_client()
    client.get("/healthz")
    client.get("/healthz")
    thread = app.extensions["mail_worker_thread"]
    try:
        assert mail_threads() == [thread] and thread.daemon
        assert wait_for(lambda: len(list(outbox.glob("*.eml"))) == 2)
    finally:
        thread.stop_event.set()
        thread.join(30)
    assert not thread.is_alive()


def test_thread_is_off_when_configured_off(make_app):
    app = make_app(MAIL_WORKER_THREAD=False)
    app.test_client().get("/healthz")
    assert "mail_worker_thread" not in app.extensions and mail_threads() == []


def test_calendar_links_carry_the_booking(app, coach):
    with app.app_context():
        booking = make_booking(coach, START)
        google = parse_qs(urlsplit(google_url(booking, "http://localhost/bookings/x")).query)
        assert google["dates"] == ["20300312T140000Z/20300312T141500Z"]
        assert google["text"] == ["Free consultation with Alex Morgan"]
        assert "http://localhost/bookings/x" in google["details"][0]
        assert google["location"] == ["https://meet.example.com/career-compass"]
        outlook = urlsplit(outlook_url(booking))
        query = parse_qs(outlook.query)
        assert outlook.netloc == "outlook.live.com"
        assert query["startdt"] == ["2030-03-12T14:00:00Z"]
        assert query["enddt"] == ["2030-03-12T14:15:00Z"]
        assert [label for label, _ in calendar_links(booking)] == [
            "Google Calendar", "Outlook.com", "Outlook (Microsoft 365)"]


def test_add_to_calendar_partial_renders_escaped_links(app, coach):
    with app.test_request_context("/"):
        booking = make_booking(coach, START)
        html = render_template_string(
            '{% include "mail/_add_to_calendar.html" %}', booking=booking,
            ics_url="/bookings/tok/invite.ics",
        )
    assert 'aria-labelledby="add-to-calendar-heading"' in html
    assert html.count("<li>") == 4
    assert "https://calendar.google.com/calendar/render?action=TEMPLATE&amp;" in html
    assert 'href="/bookings/tok/invite.ics" download' in html
