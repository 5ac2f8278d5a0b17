"""Crawl every public page in every consent state: no unlisted or unconsented cookie,
and no third-party request before consent."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from werkzeug.exceptions import NotFound
from werkzeug.http import parse_cookie

from coaching.consent.registry import NECESSARY, lookup
from tests.consent.conftest import decide

STATES = {
    # name: (how to reach it, categories consented, request headers)
    "none": (None, set(), {}),
    "rejected": (("reject_all", ()), set(), {}),
    "accepted": (("accept_all", ()), {"analytics", "media"}, {}),
    "custom": (("custom", ("media",)), {"media"}, {}),
    "gpc": (("accept_all", ()), {"media"}, {"Sec-GPC": "1"}),
}


def public_paths(app) -> list[str]:
    paths = {
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.arguments
    }
    adapter = app.url_map.bind("localhost")
    try:
        adapter.match("/articles/career-or-job")
        paths.add("/articles/career-or-job")
    except NotFound:
        pass
    return sorted(paths)


def _is_deletion(header: str) -> bool:
    return "Max-Age=0" in header or "1970" in header


def third_party_sources(html: str) -> set[str]:
    hosts = set()
    for url in re.findall(r"""\ssrc=["']([^"']+)["']""", html):
        host = urlsplit(url).hostname
        if host and host not in {"localhost", "127.0.0.1"}:
            hosts.add(host)
    return hosts


@pytest.mark.parametrize("state", sorted(STATES))
def test_crawl_sets_only_listed_and_consented_cookies(analytics_app, state):
    how, consented, headers = STATES[state]
    client = analytics_app.test_client()
    if how:
        action, categories = how
        assert decide(client, action, categories=categories, headers=headers).status_code == 303
    allowed = consented | {NECESSARY}
    pages = public_paths(analytics_app)
    assert "/" in pages and "/cookies" in pages and "/consent" in pages
    seen_home = ""
    for path in pages:
        response = client.get(path, headers=headers)
        assert response.status_code < 500, path
        for header in response.headers.getlist("Set-Cookie"):
            name = next(iter(parse_cookie(header.split(";", 1)[0])))
            cookie = lookup(name)
            assert cookie is not None, f"{path} sets {name}, which /cookies does not list"
            if not _is_deletion(header):
                assert cookie.category in allowed, f"{path} sets {name} without consent"
        html = response.get_data(as_text=True)
        hosts = third_party_sources(html)
        if "analytics" not in consented:
            assert "stats.example.org" not in hosts, path
        if "media" not in consented:
            assert "www.youtube-nocookie.com" not in hosts, path
        if not consented:
            assert not hosts, (path, hosts)
        if path == "/":
            seen_home = html
    # The crawl means something only if consent really changes the home page.
    assert ("<iframe" in seen_home) == ("media" in consented)
    assert ("stats.example.org" in seen_home) == ("analytics" in consented)
    assert ('id="consent-banner"' in seen_home) == (how is None)
