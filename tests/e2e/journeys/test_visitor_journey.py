"""A visitor on a phone: article → assessment → book from New York → email → reschedule → cancel.

Needs: articles, assessment, booking, mail (the worker delivering to MAIL_URL).
"""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from ..a11y import assert_accessible
from ..mailbox import Mailbox, calendar_parts, manage_link
from ..steps import (
    MANAGE_URL,
    book_in_browser,
    expect_local_time,
    free_slots,
    open_day,
    pick_slot,
)

pytestmark = pytest.mark.e2e

VISITOR_ZONE = "America/New_York"  # not the coach's Europe/London


def _answer_assessment(page) -> None:
    """Answer every statement ("Agree") and go forward until the result shows.

    Works for the one-form page (no JS) and for one statement at a time (htmx).
    Radios may be styled over with their labels, so choices are made through labels.
    """
    forward = re.compile(r"^\s*(next|continue|see (my )?result|show (my )?result|finish)", re.I)
    for _ in range(60):
        page.wait_for_load_state("networkidle")
        # One snapshot per round: a choice may swap the statement (htmx) under our feet.
        radios = page.get_by_role("radio").evaluate_all(
            "els => els.map(e => ({name: e.name, id: e.id, checked: e.checked}))")
        if not radios:
            return
        groups: dict[str, list] = {}
        for radio in radios:
            groups.setdefault(radio["name"], []).append(radio)
        unanswered = [g for g in groups.values() if not any(r["checked"] for r in g)]
        if unanswered:
            choice = unanswered[0][min(3, len(unanswered[0]) - 1)]
            page.locator(f"label[for='{choice['id']}']").first.click()
            continue
        # Focus and Enter, as a keyboard user would: it does not wait for a swapped-in
        # statement's entrance animation to settle, which a pointer click does.
        button = page.get_by_role("button", name=forward)
        if not button.count():  # between two statements (an htmx swap): look again
            page.wait_for_timeout(250)
            continue
        try:
            button.first.focus(timeout=2000)
        except PlaywrightError:  # swapped away under us (htmx replaced the form): look again
            continue
        page.keyboard.press("Enter")
    pytest.fail("the assessment never reached a result; the page says:\n"
                + page.get_by_role("main").inner_text()[:1500], pytrace=False)


def test_phone_visitor_reads_assesses_books_reschedules_and_cancels(phone, site):
    page = phone
    email = f"visitor-{uuid.uuid4().hex[:8]}@example.com"

    page.goto("/")
    page.get_by_role("link", name=re.compile(r"career or job", re.I)).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile("career or job", re.I))
    assert_accessible(page, "the article")

    page.get_by_role("main").get_by_role(
        "link", name=re.compile(r"assessment|assess yourself|take the", re.I)).first.click()
    _answer_assessment(page)
    expect(page.get_by_role("main")).to_contain_text(re.compile(r"job|career", re.I))
    assert_accessible(page, "the assessment result")

    page.get_by_role("main").get_by_role("link", name=re.compile(r"book", re.I)).first.click()
    expect(page).to_have_url(re.compile(r"/book"))

    slot = book_in_browser(page, site, zone=VISITOR_ZONE, name="Sam Rivera", email=email)
    expect(page.get_by_role("main")).to_contain_text(re.compile(r"booked|confirmed", re.I))
    expect_local_time(page, slot, VISITOR_ZONE)
    confirmation_path = MANAGE_URL.search(page.url).group(0)

    mailbox = Mailbox(site.mail_dir)
    confirmation = mailbox.wait_for(to=email)
    assert calendar_parts(confirmation), "the confirmation carries no calendar invite"
    link = manage_link(confirmation, site.url)
    assert link.endswith(confirmation_path) or "/bookings/" in link

    page.goto(link)
    expect_local_time(page, slot, VISITOR_ZONE)

    # Reschedule to a later free slot (the first one is ours now).
    later = [s for s in free_slots(site, VISITOR_ZONE) if s.start != slot.start][3]
    page.get_by_role("link", name=re.compile(r"reschedule|change|move", re.I)).or_(
        page.get_by_role("button", name=re.compile(r"reschedule|change|move", re.I))).first.click()
    open_day(page, later)
    pick_slot(page, later)
    page.get_by_role("button", name=re.compile(r"reschedule|move|confirm", re.I)).last.click()
    expect_local_time(page, later, VISITOR_ZONE)
    mailbox.wait_for(to=email, subject="moved")

    # Cancel, behind a confirmation (mail scanners follow GET links).
    page.get_by_role("link", name=re.compile(r"cancel", re.I)).or_(
        page.get_by_role("button", name=re.compile(r"cancel", re.I))).first.click()
    page.get_by_role("button", name=re.compile(r"cancel", re.I)).last.click()
    expect(page.get_by_role("main")).to_contain_text(re.compile(r"cancelled", re.I))
    mailbox.wait_for(to=email, subject="cancel")

    # The first slot is free again for everyone else.
    assert slot.start in {s.start for s in free_slots(site, VISITOR_ZONE)}
