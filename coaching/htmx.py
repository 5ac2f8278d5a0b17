"""Render a full page, or one named block of the same template for htmx.

One URL serves both: a normal request (or an htmx boost / history restore,
which want the whole page) gets the page; an htmx partial request gets only
the block it asked for. `Vary: HX-Request` keeps caches from mixing them up.
"""

from __future__ import annotations

from flask import Response, make_response, render_template, request
from jinja2_fragments.flask import render_block


def is_htmx() -> bool:
    """Tell whether this request wants a fragment rather than a page."""
    if request.headers.get("HX-Request") != "true":
        return False
    if request.headers.get("HX-History-Restore-Request") == "true":
        return False
    return request.headers.get("HX-Boosted") != "true"


def render(template: str, block: str | None = None, status: int = 200, **context) -> Response:
    """Render `template`, or only `block` of it when htmx asked for a fragment."""
    if block is not None and is_htmx():
        body = render_block(template, block, **context)
    else:
        body = render_template(template, **context)
    response = make_response(body, status)
    response.vary.add("HX-Request")
    return response
