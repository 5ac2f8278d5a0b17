"""Finished article pages kept per process, so a read costs one small query.

An article page varies only with the article's version (its ETag), the
visitor's consent state (banner, consented scripts) and the path the consent
form returns to. Those make the key; nothing personal is on the page (it has
no CSRF token: the consent form is protected by an origin check). Rendering
can add CSP sources (a consented analytics script), so they are stored and
replayed with the HTML. The cache is bounded, per app and per process: a new version
has a new ETag, so an edit is visible at once in every worker.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from threading import Lock

from flask import current_app, g

from ..consent import current_state, return_path

MAX_PAGES = 256



class PageCache:
    def __init__(self) -> None:
        self.pages: OrderedDict[tuple, tuple[str, dict]] = OrderedDict()
        self.lock = Lock()


def _cache() -> PageCache:
    # One cache per app: apps with other settings (or tests) never share pages.
    return current_app.extensions.setdefault("article_pages", PageCache())


def page_key(etag: str) -> tuple:
    """Return the cache key of this request's article page."""
    state = current_state()
    return (etag, state.decided, state.analytics, state.media, state.gpc, return_path())


def cached_page(key: tuple, render: Callable[[], str]) -> str:
    """Return the page's HTML from the cache, rendering and storing it on a miss."""
    cache = _cache()
    with cache.lock:
        hit = cache.pages.get(key)
        if hit is not None:
            cache.pages.move_to_end(key)
    if hit is not None:
        html, csp_extra = hit
        for directive, sources in csp_extra.items():
            g.setdefault("csp_extra", {}).setdefault(directive, []).extend(sources)
        return html
    html = render()
    csp_extra = {key_: list(values) for key_, values in g.get("csp_extra", {}).items()}
    with cache.lock:
        cache.pages[key] = (html, csp_extra)
        while len(cache.pages) > MAX_PAGES:
            cache.pages.popitem(last=False)
    return html
