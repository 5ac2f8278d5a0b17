"""The booking journey against the production rehearsal (PostgreSQL, Redis, mail worker).

Needs: booking, mail. Runs in the PostgreSQL pass only.
"""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from ..conftest import PHONE
from ..mailbox import Mailbox, manage_link
from ..steps import book_in_browser, expect_local_time

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]


@pytest.fixture
def production_phone(browser, production_site, guard):
    """A phone context on the production site over HTTPS (its certificate is self-signed)."""
    context = browser.new_context(
        base_url=production_site.url, locale="en-GB", **PHONE, ignore_https_errors=True,
    )
    guard.attach(context)
    yield context.new_page()
    context.close()


def test_booking_journey_in_production(production_phone, production_site):
    page = production_phone
    email = f"prod-{uuid.uuid4().hex[:8]}@example.com"
    slot = book_in_browser(page, production_site, zone="America/New_York", name="Pat Prod",
                           email=email)
    expect_local_time(page, slot, "America/New_York")
    cookies = page.context.cookies()
    assert cookies and all(c["secure"] for c in cookies), cookies

    assert production_site.worker is not None, "production needs the mail worker process"
    link = manage_link(Mailbox(production_site.mail_dir).wait_for(to=email), production_site.url)
    page.goto(link)
    page.get_by_role("link", name=re.compile(r"cancel", re.I)).or_(
        page.get_by_role("button", name=re.compile(r"cancel", re.I))).first.click()
    page.get_by_role("button", name=re.compile(r"cancel", re.I)).last.click()
    expect(page.get_by_role("main")).to_contain_text(re.compile(r"cancelled", re.I))


def test_booking_rate_limits_live_in_redis(production_site, redis_url):
    """POST /book is rate limited in Redis, so every gunicorn worker shares the counts."""
    from urllib.parse import quote

    import redis

    from ..liveserver import FormClient
    from ..steps import free_slots

    slot = free_slots(production_site, "Europe/London")[3]
    client = FormClient(production_site.url)
    token = client.csrf_token(f"/book?start={quote(slot.start)}")
    status, _, _ = client.request("POST", "/book", {"csrf_token": token, "start": "not-a-time"})
    assert status == 422
    keys = redis.Redis.from_url(redis_url).keys("*")
    assert keys, "no rate-limit counters in Redis after POST /book"
