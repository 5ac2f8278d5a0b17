"""The booking journey with JavaScript switched off: plain forms and links all the way.

Needs: booking, mail.
"""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from ..mailbox import Mailbox, manage_link
from ..steps import book_in_browser, expect_local_time

pytestmark = pytest.mark.e2e


def test_booking_and_cancelling_without_javascript(nojs, site):
    page = nojs
    email = f"nojs-{uuid.uuid4().hex[:8]}@example.com"
    slot = book_in_browser(page, site, zone="Asia/Tokyo", name="Kenji Sato", email=email,
                           slot_index=5)
    expect_local_time(page, slot, "Asia/Tokyo")

    link = manage_link(Mailbox(site.mail_dir).wait_for(to=email), site.url)
    page.goto(link)
    page.get_by_role("link", name=re.compile(r"cancel", re.I)).or_(
        page.get_by_role("button", name=re.compile(r"cancel", re.I))).first.click()
    page.get_by_role("button", name=re.compile(r"cancel", re.I)).last.click()
    expect(page.get_by_role("main")).to_contain_text(re.compile(r"cancelled", re.I))


def test_booking_form_errors_without_javascript(nojs, site):
    """Submitting the details form empty gives 422 with an error summary, not a crash."""
    from ..steps import choose_time_zone, free_slots, open_day, pick_slot

    slot = free_slots(site, "Europe/London")[7]
    nojs.goto("/book")
    choose_time_zone(nojs, "Europe/London")
    open_day(nojs, slot)
    pick_slot(nojs, slot)
    with nojs.expect_response(lambda r: r.request.method == "POST") as posted:
        nojs.get_by_role("button", name=re.compile(r"^\s*(book|confirm)", re.I)).last.click()
    assert posted.value.status == 422
    expect(nojs.get_by_role("alert").or_(nojs.locator(".error-summary")).first).to_be_visible()
