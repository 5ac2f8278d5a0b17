"""The consent journey in a real Chromium, with every third-party request stubbed."""

from __future__ import annotations

import shutil
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect, sync_playwright

pytestmark = pytest.mark.e2e

LOCAL = {"127.0.0.1", "localhost"}


def test_banner_reject_settings_accept_and_video(live_server):
    third_party: list[str] = []

    def stub_third_party(route):
        host = urlsplit(route.request.url).hostname
        if host in LOCAL:
            route.continue_()
            return
        third_party.append(route.request.url)
        # Nothing leaves the machine: answer for YouTube and the analytics host here.
        route.fulfill(status=200, content_type="text/html", body="<p>stub</p>")

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=shutil.which("chromium"),
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
        )
        context = browser.new_context(viewport={"width": 390, "height": 844})
        context.route("**/*", stub_third_party)
        page = context.new_page()

        page.goto(live_server + "/")
        banner = page.get_by_role("region", name="Cookies on this site")
        expect(banner).to_be_visible()
        assert context.cookies() == []
        banner.get_by_text("Choose", exact=True).click()
        expect(banner.get_by_role("switch", name="Embedded video")).not_to_be_checked()
        assert Axe().run(page).violations_count == 0

        # Reachable from the keyboard in document order: Tab until Reject all has focus.
        reject = banner.get_by_role("button", name="Reject all")
        for _ in range(40):
            page.keyboard.press("Tab")
            if reject.evaluate("el => el === document.activeElement"):
                break
        expect(reject).to_be_focused()
        page.keyboard.press("Enter")
        saved = page.locator("[data-consent-saved]")
        expect(saved).to_contain_text("only necessary cookies")
        expect(saved).to_be_focused()  # keyboard users land on the confirmation
        expect(banner).to_have_count(0)
        assert {c["name"] for c in context.cookies()} == {"consent"}
        page.reload()
        expect(page.get_by_role("region", name="Cookies on this site")).to_have_count(0)
        assert page.locator("iframe").count() == 0
        assert third_party == []

        footer = page.get_by_role("navigation", name="Legal and settings")
        footer.get_by_role("link", name="Cookie settings").click()
        expect(page).to_have_url(live_server + "/consent")
        expect(page.get_by_role("switch", name="Embedded video")).not_to_be_checked()
        expect(page.get_by_role("switch", name="Analytics")).not_to_be_checked()
        assert third_party == []

        page.get_by_role("button", name="Accept all").click()
        expect(page.get_by_role("status")).to_contain_text("Your choices are saved")
        expect(page.get_by_role("switch", name="Embedded video")).to_be_checked()
        assert {c["name"] for c in context.cookies()} == {"consent"}

        page.goto(live_server + "/")
        frame = page.locator("#intro-video iframe")
        expect(frame).to_have_count(1)
        assert urlsplit(frame.get_attribute("src")).hostname == "www.youtube-nocookie.com"
        page.wait_for_load_state("networkidle")
        hosts = {urlsplit(url).hostname for url in third_party}
        assert hosts <= {"www.youtube-nocookie.com", "stats.example.org"}
        assert "stats.example.org" in hosts  # the consented analytics script was asked for
        browser.close()


def test_video_loads_on_click_without_other_consent(live_server):
    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=shutil.which("chromium"),
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
        )
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        page.on("request", lambda request: requests.append(request.url))
        context.route(
            lambda url: urlsplit(url).hostname not in LOCAL,
            lambda route: route.fulfill(status=200, content_type="text/html", body="stub"),
        )
        page.goto(live_server + "/")
        page.keyboard.press("Tab")  # the skip link: the banner traps nothing
        expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
        assert not [u for u in requests if urlsplit(u).hostname not in LOCAL]

        page.get_by_role("button", name="Load the video (allows cookies from YouTube)").click()
        frame = page.locator("#intro-video iframe")
        expect(frame).to_have_count(1)
        assert urlsplit(frame.get_attribute("src")).hostname == "www.youtube-nocookie.com"
        page.wait_for_load_state("networkidle")
        outside = {urlsplit(u).hostname for u in requests} - LOCAL
        assert outside == {"www.youtube-nocookie.com"}  # no analytics: not consented
        browser.close()
