"""The coach: log in, add time off, find a booking, cancel it with a reason.

Needs: dashboard, booking (and mail for the cancellation in the outbox).
"""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, text

from ..a11y import assert_accessible
from ..steps import book_over_http, free_slots

pytestmark = pytest.mark.e2e


def log_in(page, site) -> None:
    page.goto("/dashboard/login")
    page.get_by_label(re.compile(r"e-?mail", re.I)).fill(site.credentials.email)
    page.get_by_label(re.compile(r"password", re.I)).fill(site.credentials.password)
    page.get_by_role("button", name=re.compile(r"log ?in|sign ?in", re.I)).click()
    expect(page).to_have_url(re.compile(r"/dashboard/?$"))


def test_coach_adds_time_off_and_cancels_a_booking(desktop, site):
    page = desktop
    email = f"coached-{uuid.uuid4().hex[:8]}@example.com"
    slot = free_slots(site, "Europe/London")[10]
    book_over_http(site, slot, zone="Europe/London", name="Jo Booker", email=email)

    log_in(page, site)
    assert_accessible(page, "the dashboard overview")

    # Time off: a whole day well away from the booking, then that day offers nothing.
    off = date.fromisoformat(slot.day) + timedelta(days=14)
    while off.weekday() >= 5:
        off += timedelta(days=1)
    page.get_by_role("link", name=re.compile(r"availability|hours", re.I)).first.click()
    time_off = page.locator(
        "form", has=page.get_by_role("heading", name=re.compile(r"time off", re.I)))
    time_off.get_by_label(re.compile(r"^\s*(first|from|start)", re.I)).fill(off.isoformat())
    time_off.get_by_label(re.compile(r"^\s*(last|to|until|end)", re.I)).fill(off.isoformat())
    time_off.get_by_role("button", name=re.compile(r"time off", re.I)).click()
    shown = re.compile(rf"\b{off.day} {off:%b}", re.I)  # "7 Dec" or "7 December"
    expect(page.get_by_role("main")).to_contain_text(shown)
    assert not [s for s in free_slots(site, "Europe/London", days=40) if s.day == off.isoformat()]

    page.get_by_role("link", name=re.compile(r"^\s*bookings", re.I)).first.click()
    # The list links each booking by its name or by its time on the visitor's row.
    by_name = page.get_by_role("link", name=re.compile("Jo Booker"))
    by_row = page.locator("tr", has_text="Jo Booker").get_by_role("link")
    by_name.or_(by_row).first.click()
    expect(page.get_by_role("main")).to_contain_text(email)
    assert_accessible(page, "a booking in the dashboard")
    page.get_by_label(re.compile(r"reason", re.I)).fill("I am unwell that day, sorry.")
    page.get_by_role("button", name=re.compile(r"cancel", re.I)).first.click()
    confirm = page.get_by_role("button", name=re.compile(r"yes|confirm|cancel", re.I))
    if confirm.count():
        confirm.last.click()
    expect(page.get_by_role("main")).to_contain_text(re.compile(r"cancelled", re.I))

    engine = create_engine(site.database_url)
    with engine.connect() as conn:
        kinds = conn.execute(text(
            "SELECT kind FROM outbox_email WHERE recipient = :email"), {"email": email}
        ).scalars().all()
    engine.dispose()
    assert "booking_cancelled" in kinds, kinds
