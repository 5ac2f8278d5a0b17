"""The site as a real process answers like production would, and the guard really guards."""

from __future__ import annotations

import json

import pytest

from .conftest import Guard
from .liveserver import get

pytestmark = pytest.mark.e2e


def test_site_serves_health_over_gunicorn(site):
    status, headers, body = get(f"{site.url}/healthz")
    assert status == 200
    assert json.loads(body) == {"status": "ok", "database": "ok"}
    assert site.server.running
    assert "Booting worker" in site.server.log_path.read_text(), "gunicorn did not start workers"


def test_demo_login_was_printed_by_seed(site):
    assert site.credentials is not None
    assert "@" in site.credentials.email and len(site.credentials.password) >= 12


def test_site_runs_on_this_pass_database(site, database_url):
    expected = "sqlite" if database_url.startswith("sqlite") else "postgresql"
    assert site.env["DATABASE_URL"].startswith(expected)


def test_mail_worker_runs_when_the_command_exists(site):
    from .liveserver import mail_worker_available

    # Before the mail issue merges the command is missing and no worker is started;
    # once it exists the worker must be up, as its own process.
    assert (site.worker is not None) == mail_worker_available(site.env)
    if site.worker is not None:
        assert site.worker.running, site.worker.log_tail()


def test_every_page_carries_the_security_headers(site):
    status, headers, _ = get(f"{site.url}/")
    assert status == 200
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-eval" not in csp and "unsafe-inline" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in csp


def test_home_page_renders_in_a_phone_browser(phone, site):
    response = phone.goto("/")
    assert response.status == 200
    assert phone.get_by_role("navigation", name="Main").is_visible()
    assert phone.get_by_role("link", name="Skip to main content").count() == 1


def test_home_page_works_without_javascript(nojs):
    response = nojs.goto("/")
    assert response.status == 200
    assert nojs.get_by_role("link", name="Book a free call").first.is_visible()


def test_guard_catches_csp_violations_and_other_hosts(new_context, site, guard):
    """The guard is what makes the journeys strict, so prove it fails when it should."""
    page = new_context().new_page()
    hostile = (
        "<!doctype html><title>t</title>"
        "<script>document.title = 'inline ran'</script>"
        "<img src='http://example.com/pixel.png' alt=''>"
    )
    csp = "default-src 'self'; script-src 'self'; img-src 'self'"
    page.route(f"{site.url}/__guard_selftest", lambda route: route.fulfill(
        status=200, body=hostile, headers={"Content-Type": "text/html",
                                           "Content-Security-Policy": csp}))
    page.goto("/__guard_selftest")
    page.wait_for_load_state("load")
    assert page.title() == "t", "the CSP let an inline script run"
    seen = "\n".join(guard.problems)
    assert "example.com" in seen, seen
    assert "Content Security Policy" in seen, seen
    guard.problems.clear()  # the violations were the point of this test


def test_guard_reports_server_errors():
    guard = Guard()

    class Response:
        status = 500
        url = "http://127.0.0.1/x"

    guard._response(Response())
    with pytest.raises(pytest.fail.Exception):
        guard.check()
