"""Helpers for the consent tests: same-origin posts, cookie inspection, a live server."""

from __future__ import annotations

import threading

import pytest
from werkzeug.serving import make_server

ORIGIN = {"Origin": "http://localhost"}
ANALYTICS_URL = "https://stats.example.org/matomo.js"


def decide(client, action, categories=(), next_="/", headers=None, **extra):
    """Post a consent decision the way the banner form does, from this site."""
    data = {"action": action, "next": next_, "revision": "1", **extra}
    if categories:
        data["category"] = list(categories)
    return client.post("/consent", data=data, headers={**ORIGIN, **(headers or {})})


def set_cookies(response) -> dict[str, str]:
    """Return {name: full Set-Cookie header} for one response."""
    result = {}
    for header in response.headers.getlist("Set-Cookie"):
        result[header.split("=", 1)[0]] = header
    return result


def stored_choice(app, client) -> dict:
    """Decode the consent cookie the client holds (the test knows the secret)."""
    from itsdangerous import URLSafeSerializer

    cookie = client.get_cookie("consent")
    assert cookie is not None, "no consent cookie"
    return URLSafeSerializer(app.config["SECRET_KEY"], salt="consent-cookie").loads(cookie.value)


@pytest.fixture
def analytics_app(make_app):
    return make_app(ANALYTICS_SCRIPT_URL=ANALYTICS_URL)


@pytest.fixture
def live_server(make_app):
    """Serve a fresh app on a free port in a thread; yield its base URL."""
    app = make_app(ANALYTICS_SCRIPT_URL=ANALYTICS_URL)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(10)
        server.server_close()
