"""In a real Chromium: sign in, add time off, see a booking, cancel it, find the email."""

from __future__ import annotations

import re
import shutil
import threading
from datetime import UTC, datetime, timedelta

import pytest
from werkzeug.serving import make_server

from coaching.booking.seed import DEMO_EMAIL, DEMO_PASSWORD

from .conftest import insert_booking

pytestmark = pytest.mark.e2e


@pytest.fixture
def live_server(app, coach):
    """Serve the test app on a free port in a thread; yield its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def browser_page():
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Chromium is not installed (Debian package `chromium`)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=[
            "--no-sandbox", "--disable-background-networking", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        yield page
        browser.close()


def test_coach_adds_time_off_and_cancels_a_booking(app, coach, live_server, browser_page):
    from coaching.booking.models import Booking, DateOverride
    from coaching.extensions import db
    from coaching.mail.models import OutboxEmail

    page = browser_page
    page.goto(live_server + "/dashboard/")
    page.get_by_label("Email").fill(DEMO_EMAIL)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server + "/dashboard/")

    page.get_by_role("navigation", name="Dashboard").get_by_role("link",
                                                                  name="Availability").click()
    first = datetime.now(UTC).date() + timedelta(days=30)
    page.get_by_label("First day off").fill(first.isoformat())
    page.get_by_label("Last day off").fill((first + timedelta(days=2)).isoformat())
    page.get_by_role("button", name="Add time off").click()
    page.get_by_text("Time off saved: 3 days closed.").wait_for()
    with app.app_context():
        assert DateOverride.query.filter_by(kind="closed").count() == 3

    with app.app_context():
        start = datetime.now(UTC).replace(microsecond=0, second=0) + timedelta(days=2)
        booking_id = insert_booking(coach, start, name="Robin Visitor",
                                    email="robin@example.org")
    page.get_by_role("navigation", name="Dashboard").get_by_role("link", name="Bookings").click()
    page.get_by_role("row", name=re.compile("Robin Visitor")).get_by_role("link").click()
    page.get_by_role("heading", name="Robin Visitor").wait_for()
    page.get_by_label("Reason (sent to the visitor)").fill("I have to travel that day, sorry.")
    page.get_by_role("button", name="Cancel the booking").click()
    page.get_by_text("Booking cancelled.").wait_for()
    assert page.get_by_text("Cancelled the booking").count() == 1

    with app.app_context():
        assert db.session.get(Booking, booking_id).status == "cancelled"
        email = db.session.query(OutboxEmail).filter_by(kind="booking_cancelled").one()
        assert email.recipient == "robin@example.org"
        assert "I have to travel that day, sorry." in email.text_body


def test_dashboard_pages_have_no_axe_violations(app, coach, live_server, browser_page,
                                               booking_factory):
    from axe_playwright_python.sync_playwright import Axe

    booking_id = booking_factory(name="Robin Visitor")
    page = browser_page
    page.goto(live_server + "/dashboard/login")
    axe = Axe()
    report = {"login": axe.run(page)}
    page.get_by_label("Email").fill(DEMO_EMAIL)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server + "/dashboard/")
    for name, path in (("overview", "/dashboard/"), ("availability", "/dashboard/availability"),
                       ("bookings", "/dashboard/bookings"),
                       ("booking", f"/dashboard/bookings/{booking_id}"),
                       ("mail", "/dashboard/mail"), ("account", "/dashboard/account")):
        page.goto(live_server + path)
        report[name] = axe.run(page)
    problems = {name: result.generate_snapshot() for name, result in report.items()
                if result.violations_count}
    assert problems == {}
