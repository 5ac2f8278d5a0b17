"""Public article pages: the list, one article (conditional GET) and the Atom feed."""

from __future__ import annotations

import hashlib
import re
from functools import cache
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, make_response, render_template, request
from werkzeug.http import is_resource_modified

from .. import metrics
from ..htmx import is_htmx, render
from ..site.seo import atom_feed
from . import page_cache
from .models import Article
from .rendering import rendered_article
from .services import published_article, published_articles, published_version

SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

bp = Blueprint("articles", __name__, url_prefix="/articles")

# Files whose change alters the article page, so they belong in its ETag.
_PAGE_FILES = ("templates/articles/show.html", "templates/base.html", "static/css/site.css")


@cache
def _build_id(root: str) -> str:
    digest = hashlib.sha256()
    for name in _PAGE_FILES:
        path = Path(root) / name
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def article_etag(article: Article) -> str:
    """Return an ETag that changes with the article's version and the page's templates."""
    root = str(Path(current_app.template_folder).parent)
    return f"a{article.id}-v{article.version}-{_build_id(root)}"


@bp.get("/")
def index():
    """List published articles."""
    articles = published_articles()
    minutes = {article.id: rendered_article(article).reading_minutes for article in articles}
    return render("articles/index.html", articles=articles, minutes=minutes)


@bp.get("/<slug>")
def show(slug: str):
    """Show one published article, or 304 when the reader's copy is current."""
    found = published_version(slug) if SLUG_RE.fullmatch(slug) else None
    if found is None:
        abort(404)
    if request.method == "GET" and not is_htmx():
        metrics.count_view("article_view")
    etag = article_etag(found)
    last_modified = found.updated_at.replace(microsecond=0)
    if not is_resource_modified(request.environ, etag=etag, last_modified=last_modified):
        response = Response(status=304)
    else:
        html = page_cache.cached_page(page_cache.page_key(etag), lambda: _render_article(slug))
        response = make_response(html)
        response.vary.add("HX-Request")
    response.set_etag(etag)
    response.last_modified = last_modified
    # Revalidate every time: an edit must show at once, and a 304 costs almost nothing.
    response.cache_control.no_cache = True
    return response


def _render_article(slug: str) -> str:
    article = published_article(slug)
    return render_template("articles/show.html", article=article,
                           rendered=rendered_article(article))


@bp.get("/feed.xml")
def feed():
    """Return the Atom feed of published articles."""
    articles = published_articles()
    body = atom_feed(articles, lambda article: rendered_article(article).html)
    return Response(body, mimetype="application/atom+xml")
