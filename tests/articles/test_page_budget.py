"""The article page is small and self-contained: under 40 KB gzipped, one host only."""

from __future__ import annotations

import gzip
import re
import shutil
from urllib.parse import urlsplit

import pytest

BUDGET_BYTES = 40 * 1024
ARTICLE = "/articles/career-or-job"


def _gzipped(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def _subresources(html: str) -> list[str]:
    """Return what the browser fetches for this page: scripts, stylesheets, icons, images."""
    urls = re.findall(r'<script[^>]+src="([^"]+)"', html)
    urls += re.findall(r'<img[^>]+src="([^"]+)"', html)
    for tag in re.findall(r"<link[^>]+>", html):
        rel = re.search(r'rel="([^"]+)"', tag).group(1)
        if rel in {"stylesheet", "icon", "preload", "modulepreload"}:
            urls.append(re.search(r'href="([^"]+)"', tag).group(1))
    return urls


def test_article_page_with_css_and_scripts_is_under_40_kb_gzipped(client, seeded):
    html = client.get(ARTICLE).get_data(as_text=True)
    resources = _subresources(html)
    assert any("site.css" in url for url in resources)
    assert any("htmx.min.js" in url for url in resources)
    total = _gzipped(html.encode())
    for url in resources:
        parts = urlsplit(url)
        assert not parts.netloc, f"{url} is on another host"
        response = client.get(url)
        assert response.status_code == 200, url
        total += _gzipped(response.data)
    assert total < BUDGET_BYTES, f"{total} bytes gzipped"


@pytest.mark.sqlite_only
def test_browser_loads_the_article_without_touching_another_host(app, client, seeded):
    """Load the page in Chromium, served by the test client, and watch every request."""
    from playwright.sync_api import sync_playwright

    origin = "http://localhost"  # a trustworthy origin, so COOP applies as in production
    foreign: list[str] = []
    served: list[str] = []

    def handle(route):
        url = route.request.url
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != origin:
            foreign.append(url)
            route.abort()
            return
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        response = client.get(path)
        served.append(parts.path)
        route.fulfill(status=response.status_code, body=response.data,
                      headers={k: v for k, v in response.headers.items()
                               if k.lower() != "content-length"})

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=shutil.which("chromium"),
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
        )
        try:
            page = browser.new_page(viewport={"width": 390, "height": 800})
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.route("**/*", handle)
            page.goto(origin + ARTICLE, wait_until="load")
            assert page.locator("h1").inner_text().startswith("Career or job?")
            overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        finally:
            browser.close()
    assert foreign == []
    assert "/static/css/site.css" in served
    assert not overflow, "the article scrolls sideways on a phone"
    assert errors == []  # e.g. no Content-Security-Policy violations
