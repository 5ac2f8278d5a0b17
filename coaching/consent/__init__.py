"""Cookie consent: categories, the visitor's choice, the proof of each decision."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, g, has_request_context, request

from ..security import allow_source
from .registry import ANALYTICS, CATEGORIES, MEDIA, OPTIONAL_CATEGORIES

DEFAULT_INTRO_VIDEO_URL = "https://www.youtube-nocookie.com/embed/M7lc1UVf-VE"


def current_state():
    """Return this request's consent state, read once per request."""
    from .state import ConsentState, read

    if not has_request_context():
        return ConsentState()
    if "consent_state" not in g:
        g.consent_state = read(request)
    return g.consent_state


def origin_of(url: str) -> str:
    """Return scheme://host of `url`, the form a CSP source takes."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def allow_origin(directive: str, url: str) -> str:
    """Add the origin of `url` to this response's CSP; return "" for use in templates."""
    allow_source(directive, origin_of(url))
    return ""


def active_categories():
    """Return the optional categories this site actually uses, with their details."""
    keys = [MEDIA]
    if current_app.config.get("ANALYTICS_SCRIPT_URL"):
        keys.insert(0, ANALYTICS)
    return [c for c in CATEGORIES if c.key in keys]


def template_context() -> dict:
    """Tell every template the visitor's consent state and what the consent UI needs."""
    return {
        "consent": current_state(),
        "consent_categories": active_categories,
        "consent_revision": current_app.config["CONSENT_POLICY_REVISION"],
        "intro_video_url": current_app.config.get("INTRO_VIDEO_URL", DEFAULT_INTRO_VIDEO_URL),
        "analytics_script_url": current_app.config.get("ANALYTICS_SCRIPT_URL", ""),
    }


__all__ = ["OPTIONAL_CATEGORIES", "allow_origin", "current_state", "template_context"]
