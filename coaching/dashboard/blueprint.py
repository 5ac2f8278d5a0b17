"""The dashboard blueprint: every route behind login unless listed as public."""

from __future__ import annotations

from flask import Blueprint, redirect, request, url_for
from flask_login import current_user

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")

# Endpoints reachable without a session: the login form itself and the
# calendar feed, which authenticates with its own secret token.
PUBLIC_ENDPOINTS = {"dashboard.login", "dashboard.feed"}


@bp.before_request
def require_login():
    """Send anyone not signed in to the login page (htmx gets a full redirect)."""
    if request.endpoint in PUBLIC_ENDPOINTS or current_user.is_authenticated:
        return None
    target = url_for("dashboard.login", next=request.full_path.rstrip("?"))
    response = redirect(target, code=303)
    if request.headers.get("HX-Request") == "true":
        response.status_code = 401
        response.headers["HX-Redirect"] = target
    return response
