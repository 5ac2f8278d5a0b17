"""Security baseline: headers on every response, CSRF on every state change."""

import re

from flask import Blueprint

from tests.conftest import csrf_from


def _get_paths(app):
    """Every GET route without URL parameters, plus a 404 and a static file."""
    paths = {"/does-not-exist", "/static/css/site.css"}
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and not rule.arguments:
            paths.add(rule.rule)
    return sorted(paths)


def test_every_response_has_security_headers(client, app):
    for path in _get_paths(app):
        response = client.get(path)
        headers = response.headers
        csp = headers.get("Content-Security-Policy", "")
        assert "script-src 'self'" in csp, path
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, path
        assert "frame-ancestors 'none'" in csp, path
        assert "object-src 'none'" in csp, path
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin", path
        assert "Strict-Transport-Security" not in headers, path


def test_no_inline_script_in_pages(client, app):
    for path in _get_paths(app):
        html = client.get(path).get_data(as_text=True)
        for match in re.finditer(r"<script([^>]*)>(.*?)</script>", html, re.S):
            attrs, body = match.groups()
            if 'type="application/ld+json"' in attrs:
                continue  # data, not script: CSP does not apply
            assert "src=" in attrs and not body.strip(), (path, match.group(0)[:80])
        assert not re.search(r"\son[a-z]+=", html), path  # no inline event handlers
        assert "hx-on" not in html, path  # htmx would compile it with Function()


def test_hsts_in_production(make_app, monkeypatch):
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    app = make_app(COACHING_ENV="production", SECRET_KEY="p" * 48,
                   RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/0")
    response = app.test_client().get("/healthz")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_session_cookie_flags(make_app):
    app = make_app()
    bp = Blueprint("cookie_probe", __name__)

    @bp.get("/_probe/session")
    def probe():
        from flask import session

        session["x"] = 1
        return "ok"

    app.register_blueprint(bp)
    cookie = app.test_client().get("/_probe/session").headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # development serves plain http


def test_csrf_rejects_a_post_without_token(make_app):
    app = make_app()
    bp = Blueprint("csrf_probe", __name__)

    @bp.route("/_probe/form", methods=["GET", "POST"])
    def form():
        from flask_wtf.csrf import generate_csrf

        return f'<form method="post"><input name="csrf_token" value="{generate_csrf()}"></form>'

    app.register_blueprint(bp)
    client = app.test_client()
    rejected = client.post("/_probe/form", data={"x": "1"})
    assert rejected.status_code == 400
    assert "This form has expired" in rejected.get_data(as_text=True)
    forged = client.post("/_probe/form", data={"csrf_token": "forged"})
    assert forged.status_code == 400
    token = csrf_from(client.get("/_probe/form").data)
    assert client.post("/_probe/form", data={"csrf_token": token}).status_code == 200


def _fill(rule):
    values = {}
    for name in rule.arguments:
        converter = rule._converters[name].__class__.__name__
        values[name] = 1 if converter == "IntegerConverter" else "x"
    return values


def test_every_state_changing_route_requires_csrf(make_app):
    """Walk the URL map: no state-changing route accepts a request without a token."""
    app = make_app()
    probe = Blueprint("csrf_walk_probe", __name__)

    @probe.post("/_probe/write")
    def write():
        return "written"

    app.register_blueprint(probe)
    client = app.test_client()
    checked = []
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods & {"POST", "PUT", "PATCH", "DELETE"}):
            with app.test_request_context():
                from flask import url_for

                url = url_for(rule.endpoint, **_fill(rule))
            response = client.open(url, method=method, data={"x": "1"})
            assert response.status_code == 400, (rule.rule, method, response.status_code)
            checked.append((rule.rule, method))
    assert ("/_probe/write", "POST") in checked
