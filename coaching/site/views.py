"""The public frame of the site: home, privacy, sitemap, robots, health."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify
from sqlalchemy import text

from ..articles.rendering import rendered_article
from ..articles.services import published_articles
from ..extensions import db, limiter
from ..htmx import render
from ..templating import absolute_url
from . import seo

bp = Blueprint("site", __name__)

FEATURED_SLUG = "career-or-job"

# The public pages that are always there, in the order the sitemap lists them.
PUBLIC_ENDPOINTS = (
    "site.home",
    "articles.index",
    "assessment.start",
    "booking.calendar",
    "site.privacy",
    "consent.policy",
)


@bp.app_template_filter("long_date")
def _long_date(value):
    return seo.long_date(value)


@bp.app_template_global("json_ld")
def _json_ld(data: dict):
    return seo.json_ld(data)


@bp.get("/")
def home():
    """Show the home page."""
    articles = published_articles()
    featured = next((a for a in articles if a.slug == FEATURED_SLUG), None)
    featured = featured or (articles[0] if articles else None)
    minutes = rendered_article(featured).reading_minutes if featured else None
    return render("site/home.html", featured=featured, featured_minutes=minutes)


@bp.get("/privacy")
def privacy():
    """Show the privacy notice."""
    config = current_app.config
    return render(
        "site/privacy.html",
        booking_retention_days=config["BOOKING_RETENTION_DAYS"],
        consent_retention_days=config["CONSENT_RECORD_RETENTION_DAYS"],
    )


@bp.get("/sitemap.xml")
def sitemap():
    """List every public page and published article for search engines."""
    entries = [(absolute_url(endpoint), None) for endpoint in PUBLIC_ENDPOINTS]
    entries += [
        (absolute_url("articles.show", slug=article.slug), article.updated_at)
        for article in published_articles()
    ]
    return Response(seo.sitemap_xml(entries), mimetype="application/xml")


@bp.get("/robots.txt")
def robots():
    """Tell crawlers what not to index and where the sitemap is."""
    body = (
        "User-agent: *\n"
        "Disallow: /dashboard/\n"
        "Disallow: /bookings/\n"
        f"\nSitemap: {absolute_url('site.sitemap')}\n"
    )
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
