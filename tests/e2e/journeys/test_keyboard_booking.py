"""The booking journey with the keyboard alone, with a visible focus at every stop.

Needs: booking.
"""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from ..steps import MANAGE_URL, free_slots, tab_to

pytestmark = pytest.mark.e2e


def test_booking_with_the_keyboard_alone(desktop, site):
    page = desktop
    slot = free_slots(site, "Europe/London")[2]
    page.goto("/")
    tab_to(page, re.compile(r"book a free call", re.I))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/book"))

    tab_to(page, re.compile(rf"date={slot.day}"))
    page.keyboard.press("Enter")
    # After a day is chosen, focus should go to (or near) its slots: a few Tabs at most.
    tab_to(page, slot.time_pattern(), limit=40)
    page.keyboard.press("Enter")

    tab_to(page, re.compile(r"name", re.I))
    page.keyboard.type("Kim Keyboard")
    tab_to(page, re.compile(r"e-?mail", re.I))
    page.keyboard.type(f"keys-{uuid.uuid4().hex[:8]}@example.com")
    tab_to(page, re.compile(r"privacy|agree|consent", re.I))
    page.keyboard.press("Space")
    tab_to(page, re.compile(r"^\s*(book|confirm)", re.I))
    page.keyboard.press("Enter")
    expect(page).to_have_url(MANAGE_URL)
