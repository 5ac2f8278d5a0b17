"""The dashboard blueprint: every route behind login unless listed as public."""

from __future__ import annotations

import time

from flask import Blueprint, current_app, redirect, request, session, url_for
from flask_login import current_user, logout_user

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")

# Endpoints reachable without a session: the login form and its second step,
# and the calendar feed, which authenticates with its own secret token.
PUBLIC_ENDPOINTS = {"dashboard.login", "dashboard.login_code", "dashboard.feed"}

LAST_SEEN_KEY = "dash_seen"


def _idle_limit_seconds() -> int:
    lifetime = current_app.config["PERMANENT_SESSION_LIFETIME"]
    return int(getattr(lifetime, "total_seconds", lambda: lifetime)())


def _to_login(reason: str | None = None):
    # Only a page can be returned to; a form action or fragment URL would 405 or show a scrap.
    wants_page = request.method == "GET" and request.headers.get("HX-Request") != "true"
    values = {"next": request.full_path.rstrip("?")} if wants_page else {}
    if reason:
        values["reason"] = reason
    target = url_for("dashboard.login", **values)
    response = redirect(target, code=303)
    if request.headers.get("HX-Request") == "true":
        response.status_code = 401
        response.headers["HX-Redirect"] = target
    return response


@bp.before_request
def require_login():
    """Send anyone not signed in, or idle too long, to the login page."""
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if not current_user.is_authenticated:
        return _to_login()
    # The cookie's own expiry is only a hint to the browser; a copied cookie
    # would live on, so the idle limit is checked here on every request too.
    now = int(time.time())
    seen = session.get(LAST_SEEN_KEY)
    if not isinstance(seen, int) or now - seen > _idle_limit_seconds():
        logout_user()
        session.clear()
        return _to_login(reason="idle")
    session[LAST_SEEN_KEY] = now
    session.permanent = True
    return None


@bp.after_request
def no_store(response):
    """Keep private dashboard pages out of every cache and search index."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response
