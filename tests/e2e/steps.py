"""Steps the journeys share, written against DESIGN.md's public contract.

Locators use roles and accessible names (what a screen-reader user hears), so
markup can change freely; names are matched with forgiving regular
expressions. When a feature lands with different wording, fix the pattern
here once, not in every journey.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page, expect

from .liveserver import FormClient, Site, get

NAME = re.compile(r"^\s*(your |full )?name", re.I)
EMAIL = re.compile(r"e-?mail", re.I)
AGREE = re.compile(r"privacy|agree|consent", re.I)
BOOK_BUTTON = re.compile(r"^\s*(book|confirm)", re.I)
MANAGE_URL = re.compile(r"/bookings/[^/?#]+")


@dataclass
class Slot:
    start: str  # ISO 8601 UTC, as the form's `start` field wants it
    local: datetime  # the same instant in the zone it was asked for

    @property
    def day(self) -> str:
        return self.local.date().isoformat()

    def time_pattern(self) -> re.Pattern:
        """Match this slot's local time as Babel writes it in en-GB (14:30) or 12-hour (2:30 pm)."""
        hour, minute = self.local.hour, self.local.minute
        twelve = hour % 12 or 12
        half = "am" if hour < 12 else "pm"
        return re.compile(
            rf"(^|\D)0?{hour}[:.]{minute:02d}(\D|$)|(^|\D){twelve}[:.]{minute:02d}\s*{half}", re.I
        )


def free_slots(site: Site, zone: str, days: int = 30, start: date | None = None) -> list[Slot]:
    """Ask `/api/v1/slots` for free slots, seen from `zone`."""
    first = start or date.today()
    path = f"/api/v1/slots?start={first}&end={first + timedelta(days=days)}&tz={zone}"
    status, _, body = get(site.url + path)
    assert status == 200, f"GET {path} answered {status}"
    payload = json.loads(body)
    assert payload["timezone"] == zone
    slots = [
        Slot(start=s["start"],
             local=datetime.fromisoformat(s["start"].replace("Z", "+00:00")).astimezone(
                 ZoneInfo(zone)))
        for s in payload["slots"]
    ]
    assert slots, f"no free slots in the next {days} days"
    return slots


def choose_time_zone(page: Page, zone: str) -> None:
    """Pick the visitor's zone in the booking page's select, with or without JavaScript."""
    # `tz` is the contract's field name; the select must still have a label people hear.
    select = page.locator("select[name='tz']").first
    expect(select).to_have_accessible_name(re.compile(r"\S"))
    select.select_option(zone)
    # Without JavaScript the form's own button applies the zone; with it, pressing the
    # button as well is harmless (a GET), and it is what a keyboard user would do.
    button = page.locator("form", has=select).get_by_role("button")
    if button.count():
        button.first.click()
        page.wait_for_load_state()
    expect(page.locator("select[name='tz']").first).to_have_value(zone)


def open_day(page: Page, slot: Slot) -> None:
    """Follow the calendar's link for the slot's local day, moving months forward if needed."""
    for _ in range(3):
        day = page.locator(f"a[href*='date={slot.day}']")
        if day.count():
            day.first.click()
            return
        # Month links carry `month=` in their href; the last one on the page goes forward.
        page.locator("a[href*='month=']").last.click()
    pytest.fail(f"no link to {slot.day} in the calendar", pytrace=False)


def slot_control(page: Page, slot: Slot) -> Locator:
    """The button or link that picks this slot (named by its local time)."""
    pattern = slot.time_pattern()
    button = page.get_by_role("button", name=pattern)
    return button.or_(page.get_by_role("link", name=pattern)).first


def pick_slot(page: Page, slot: Slot) -> None:
    control = slot_control(page, slot)
    expect(control).to_be_visible()
    control.click()


def fill_details(page: Page, *, name: str, email: str, message: str = "") -> None:
    """Fill the booking details form and tick the privacy agreement."""
    page.get_by_label(NAME).first.fill(name)
    page.get_by_label(EMAIL).first.fill(email)
    if message:
        page.get_by_label(re.compile(r"message|anything", re.I)).first.fill(message)
    page.get_by_role("checkbox", name=AGREE).first.check()


def submit_booking(page: Page) -> None:
    page.get_by_role("button", name=BOOK_BUTTON).last.click()
    expect(page).to_have_url(MANAGE_URL)


def book_in_browser(page: Page, site: Site, *, zone: str, name: str, email: str,
                    slot_index: int = 0) -> Slot:
    """Book from /book as a visitor in `zone`; return the slot booked."""
    slot = free_slots(site, zone)[slot_index]
    page.goto("/book")
    choose_time_zone(page, zone)
    open_day(page, slot)
    pick_slot(page, slot)
    fill_details(page, name=name, email=email)
    submit_booking(page)
    return slot


def book_over_http(site: Site, slot: Slot, *, zone: str, name: str, email: str) -> str:
    """Book without a browser (POST /book per the contract); return the manage path."""
    client = FormClient(site.url)
    token = client.csrf_token("/book", f"/book?date={slot.day}", f"/book?start={slot.start}")
    status, headers, body = client.request("POST", "/book", {
        "csrf_token": token, "start": slot.start, "tz": zone, "name": name, "email": email,
        "phone": "", "message": "", "agree": "y",
    })
    assert status == 303, f"POST /book answered {status}: {body[:500]}"
    location = headers["Location"]
    assert MANAGE_URL.search(location), location
    return MANAGE_URL.search(location).group(0)


def expect_local_time(page: Page, slot: Slot, zone: str) -> None:
    """The page shows the slot in the visitor's zone and names that zone."""
    main = page.get_by_role("main")
    expect(main).to_contain_text(slot.time_pattern())
    city = zone.split("/")[-1].replace("_", " ")
    expect(main).to_contain_text(re.compile(rf"{re.escape(city)}|{re.escape(zone)}", re.I))


def tab_to(page: Page, wanted: re.Pattern, *, limit: int = 150, reverse: bool = False) -> dict:
    """Press Tab until the focused element's name/text/href matches `wanted`; return its facts.

    Each focused element must show a visible focus indicator (outline or box
    shadow), which is what a keyboard user navigates by.
    """
    key = "Shift+Tab" if reverse else "Tab"
    seen = []
    for _ in range(limit):
        page.wait_for_load_state()  # the previous Enter may have started a navigation
        page.keyboard.press(key)
        facts = _focus_facts(page)
        if facts is None:
            continue
        seen.append(facts["label"][:40])
        if wanted.search(facts["label"]) or wanted.search(facts.get("href") or ""):
            assert facts["visibleFocus"], f"no visible focus indicator on {facts}"
            return facts
    pytest.fail(f"Tab never reached {wanted.pattern!r}; focus went through: {seen}",
                pytrace=False)


def _focus_facts(page: Page) -> dict | None:
    for _ in range(20):
        try:
            return page.evaluate(FOCUS_FACTS)
        except PlaywrightError as exc:
            if "context was destroyed" not in str(exc):
                raise
            page.wait_for_load_state()
    raise AssertionError("the page kept navigating while Tab was pressed")


FOCUS_FACTS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const labels = el.labels ? Array.from(el.labels).map(l => l.innerText).join(' ') : '';
  const label = [el.getAttribute('aria-label'), labels, el.innerText, el.value, el.name]
      .filter(Boolean).join(' ').trim();
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow && style.boxShadow !== 'none';
  return {tag: el.tagName.toLowerCase(), type: el.type || '', label,
          href: el.getAttribute('href'), visibleFocus: outline || !!shadow};
}"""
