"""The public frame of the site: home, privacy, robots, health."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify
from sqlalchemy import text

from ..extensions import db, limiter
from ..htmx import render

bp = Blueprint("site", __name__)


@bp.get("/")
def home():
    """Show the home page."""
    return render("site/home.html")


@bp.get("/privacy")
def privacy():
    """Show the privacy notice."""
    return render("site/privacy.html")


@bp.get("/robots.txt")
def robots():
    """Tell crawlers what not to index."""
    body = "User-agent: *\nDisallow: /dashboard/\nDisallow: /bookings/\n"
    return Response(body, mimetype="text/plain")


@bp.get("/healthz")
@limiter.exempt
def healthz():
    """Report whether the app can reach its database."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure means unhealthy
        db.session.rollback()
        response = jsonify(status="error", database="unreachable", detail=type(exc).__name__)
        response.status_code = 503
        return response
    return jsonify(status="ok", database="ok")
