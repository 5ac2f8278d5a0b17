"""axe-core in the states that need merged features.

Needs: consent (banner), booking (slots, form errors), assessment (errors),
dashboard (login and every page behind it), articles (sitemap).
"""

from __future__ import annotations

import re
from xml.etree import ElementTree

import pytest
from playwright.sync_api import expect

from ..a11y import assert_accessible
from ..conftest import DESKTOP, PHONE
from ..contract import dashboard_pages
from ..liveserver import get
from ..steps import free_slots, open_day
from .test_coach_journey import log_in

pytestmark = pytest.mark.e2e

BANNER = re.compile(r"cookie", re.I)


def test_banner_shown_and_dismissed(new_context):
    page = new_context(PHONE).new_page()
    page.goto("/")
    banner = page.get_by_role("region", name=BANNER).or_(page.get_by_role("dialog", name=BANNER))
    expect(banner.first).to_be_visible()
    assert_accessible(page, "home with the cookie banner")
    page.get_by_role("button", name=re.compile(r"reject all", re.I)).click()
    expect(banner.first).to_be_hidden()
    assert_accessible(page, "home after rejecting cookies")


def test_cookie_settings_page(new_context):
    page = new_context(PHONE).new_page()
    page.goto("/consent")
    assert_accessible(page, "cookie settings")


def test_day_slots_open(new_context, site):
    page = new_context(DESKTOP).new_page()
    slot = free_slots(site, "Europe/London")[0]
    page.goto("/book")
    open_day(page, slot)
    expect(page.get_by_role("button", name=slot.time_pattern())
           .or_(page.get_by_role("link", name=slot.time_pattern())).first).to_be_visible()
    assert_accessible(page, "booking page with a day's slots open")


def test_booking_details_form_with_errors(new_context, site):
    from ..steps import pick_slot

    page = new_context(PHONE).new_page()
    slot = free_slots(site, "Europe/London")[1]
    page.goto("/book")
    open_day(page, slot)
    pick_slot(page, slot)
    page.get_by_label(re.compile(r"e-?mail", re.I)).first.fill("not-an-email")
    page.get_by_role("button", name=re.compile(r"^\s*(book|confirm)", re.I)).last.click()
    expect(page.get_by_role("main")).to_contain_text(re.compile(r"email", re.I))
    assert_accessible(page, "booking form with errors")


def test_assessment_with_errors(new_context):
    page = new_context(PHONE, java_script_enabled=True).new_page()
    page.goto("/assessment")
    page.get_by_role("button", name=re.compile(r"result|submit|finish|next", re.I)).last.click()
    expect(page.get_by_role("main")).to_contain_text(re.compile(r"answer|choose|select", re.I))
    assert_accessible(page, "assessment with errors")


def test_login_with_errors(new_context):
    page = new_context(DESKTOP).new_page()
    page.goto("/dashboard/login")
    page.get_by_label(re.compile(r"e-?mail", re.I)).fill("nobody@example.com")
    page.get_by_label(re.compile(r"password", re.I)).fill("wrong password here")
    page.get_by_role("button", name=re.compile(r"log ?in|sign ?in", re.I)).click()
    assert_accessible(page, "login with errors")


@pytest.mark.parametrize("path", dashboard_pages())
@pytest.mark.parametrize("preset", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_dashboard_page_after_login(new_context, site, path, preset):
    page = new_context(preset).new_page()
    log_in(page, site)
    response = page.goto(path)
    assert response.status == 200, f"{path} answered {response.status}"
    assert_accessible(page, f"{path} signed in")


def test_every_sitemap_page(new_context, site):
    status, _, body = get(f"{site.url}/sitemap.xml")
    assert status == 200
    tree = ElementTree.fromstring(body)  # noqa: S314 - our own server's sitemap
    locs = [el.text for el in tree.iter() if el.tag.endswith("loc") and el.text]
    assert locs, "the sitemap lists no pages"
    page = new_context(PHONE).new_page()
    for loc in locs:
        path = "/" + loc.split("/", 3)[3] if loc.count("/") >= 3 else "/"
        assert page.goto(path).status == 200, loc
        assert_accessible(page, path)
