"""Security headers on every response, and a strict Content-Security-Policy.

No inline script and no eval anywhere: htmx is configured not to inject its
indicator stylesheet, and the site uses no `hx-on` handlers or trigger
filters, which htmx would compile with `Function()`. A view that needs another
source (a consented video host, say) adds it to `g.csp_extra` for its response.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, g

BASE_POLICY: dict[str, list[str]] = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "frame-src": ["'none'"],
    "media-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


def allow_source(directive: str, source: str) -> None:
    """Let this response load `source` for `directive` (e.g. a consented embed)."""
    extra = g.setdefault("csp_extra", {})
    extra.setdefault(directive, []).append(source)


def content_security_policy() -> str:
    """Return the policy for the current response."""
    policy = {key: list(values) for key, values in BASE_POLICY.items()}
    for directive, sources in g.get("csp_extra", {}).items():
        current = [s for s in policy.get(directive, []) if s != "'none'"]
        policy[directive] = current + [s for s in sources if s not in current]
    return "; ".join(f"{key} {' '.join(values)}" for key, values in policy.items())


def add_security_headers(response: Response) -> Response:
    """Set the headers every response carries."""
    headers = response.headers
    headers["Content-Security-Policy"] = content_security_policy()
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    headers["X-Frame-Options"] = "DENY"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), interest-cohort=()"
    if current_app.config.get("COACHING_ENV") == "production":
        headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)
