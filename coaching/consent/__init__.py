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
    if urlsplit(url).netloc:  # a self-hosted path is already covered by 'self'
        allow_source(directive, origin_of(url))
    return ""


def active_categories():
    """Return the optional categories this site actually uses, with their details."""
    keys = [MEDIA]
    if current_app.config.get("ANALYTICS_SCRIPT_URL"):
        keys.insert(0, ANALYTICS)
    return [c for c in CATEGORIES if c.key in keys]


def return_path() -> str:
    """Return where a consent form on this page should come back to (always a local path)."""
    from .services import safe_next

    return safe_next(request.full_path.rstrip("?"), "/") or "/"


def vary_on_consent(response):
    """Tell caches that a page which read the consent state depends on it."""
    if "consent_state" in g:
        response.vary.update(("Cookie", "Sec-GPC"))
    return response


def template_context() -> dict:
    """Tell every template the visitor's consent state and what the consent UI needs."""
    return {
        "consent_return_path": return_path,
        "consent": current_state(),
        "consent_categories": active_categories,
        "consent_revision": current_app.config["CONSENT_POLICY_REVISION"],
        "intro_video_url": current_app.config.get("INTRO_VIDEO_URL", DEFAULT_INTRO_VIDEO_URL),
        "analytics_script_url": current_app.config.get("ANALYTICS_SCRIPT_URL", ""),
    }


__all__ = [
    "OPTIONAL_CATEGORIES", "allow_origin", "current_state", "template_context", "vary_on_consent",
]
