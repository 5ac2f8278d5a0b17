"""The real thing in Chromium: htmx steps, focus, history, accessibility, JavaScript off.

A real server process on port 0 serves the app; Playwright drives the system
Chromium. These tests show what the client tests cannot: that htmx actually
swaps the steps in, moves focus, puts the result's address in the bar, and
that axe finds no accessibility violations.
"""

from __future__ import annotations

import shutil
import threading

import pytest
from playwright import sync_api as playwright
from werkzeug.serving import make_server

pytestmark = pytest.mark.e2e


@pytest.fixture
def live_url(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()
    server.server_close()


@pytest.fixture
def browser():
    executable = shutil.which("chromium")
    assert executable, "the Debian chromium package is required for browser tests"
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=executable,
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
        )
        yield chromium
        chromium.close()


def axe_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [violation["id"] for violation in results.response["violations"]]


def test_htmx_flow_step_by_step(browser, live_url):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{live_url}/assessment")
    page.wait_for_selector("text=Question 1 of 12")
    assert page.locator("fieldset.statement").count() == 1
    assert axe_violations(page) == []

    page.click("button[value=next]")
    page.wait_for_selector(".error-summary")
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert "Choose an answer for question 1." in page.inner_text(".error-summary")

    page.check("input[value='2']")
    page.click("button[value=next]")
    page.wait_for_selector("text=Question 2 of 12")
    assert page.evaluate("document.activeElement.tagName") == "LEGEND"
    page.check("input[value='5']")
    page.click("button[value=next]")
    page.wait_for_selector("text=Question 3 of 12")
    page.click("button[value=back]")
    page.wait_for_selector("text=Question 2 of 12")
    assert page.is_checked("input[value='5']")
    page.click("button[value=back]")
    page.wait_for_selector("text=Question 1 of 12")
    assert page.is_checked("input[value='2']")
    assert page.url == f"{live_url}/assessment"

    for number in range(1, 13):
        page.check("fieldset.statement input[value='4']")
        page.click("button[value=next]")
        if number < 12:
            page.wait_for_selector(f"text=Question {number + 1} of 12")
    page.wait_for_selector(".assessment-result")
    assert "/assessment/results/" in page.url
    assert page.title().startswith("Your result:")
    assert page.evaluate("document.activeElement.tagName") == "H1"
    assert axe_violations(page) == []

    # The pushed address works on its own, as a bookmark would.
    result_url = page.url
    page.reload()
    assert page.url == result_url
    assert page.locator("h1").inner_text() == page.title().split(": ", 1)[1].split(" · ")[0]

    # Back from the result returns to the assessment, starting again at the first step.
    page.go_back()
    page.wait_for_selector("text=Question 1 of 12")
    assert page.url == f"{live_url}/assessment"


def test_whole_form_without_javascript(browser, live_url):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{live_url}/assessment")
    assert page.locator("fieldset.statement").count() == 12
    assert axe_violations_without_js(browser, live_url) == []
    page.click("text=See my result")
    assert page.locator(".error-summary li").count() == 12
    for fieldset in page.locator("fieldset.statement").all():
        fieldset.locator("input[value='3']").check()
    page.click("text=See my result")
    assert "/assessment/results/" in page.url
    assert page.locator("h1").inner_text() == "In between"
    context.close()


def axe_violations_without_js(browser, live_url) -> list[str]:
    # axe needs script; check the same no-JS markup with htmx's swap blocked.
    page = browser.new_page()
    page.route("**/htmx.min.js*", lambda route: route.abort())
    page.goto(f"{live_url}/assessment")
    return axe_violations(page)
