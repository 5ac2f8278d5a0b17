"""Markdown to safe HTML: headings get ids for a table of contents, nh3 sanitises.

The coach writes the Markdown, but a stolen session or a pasted snippet could
carry script, so everything goes through an allow-list whatever its source.
Rendered articles are cached per (article id, version): every save bumps the
version, so a cached entry can never be stale and no request re-renders.
"""

from __future__ import annotations

import math
import re
import threading
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt

WORDS_PER_MINUTE = 230
CACHE_SIZE = 64

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "figcaption",
    "figure", "h2", "h3", "h4", "h5", "h6", "hr", "img", "kbd", "li", "ol", "p", "pre", "s",
    "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "rel"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
}
URL_SCHEMES = {"http", "https", "mailto"}
# Ids the page itself uses; a heading must not steal them.
RESERVED_IDS = {
    "main", "toc", "toc-title", "cta-title", "article-title", "article-body", "article-preview",
}


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    anchor: str


@dataclass(frozen=True)
class Rendered:
    html: str
    toc: tuple[Heading, ...]
    words: int

    @property
    def reading_minutes(self) -> int:
        return max(1, math.ceil(self.words / WORDS_PER_MINUTE))


def _markdown() -> MarkdownIt:
    # The article's title is the page's h1, so Markdown headings start at h2.
    return MarkdownIt("commonmark", {"html": True, "typographer": True}).enable(
        ["replacements", "smartquotes", "table", "strikethrough"]
    )


_md = _markdown()


def slugify(text: str) -> str:
    """Turn heading text into a readable URL fragment."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug or "section"


def _is_external(href: str) -> bool:
    parts = urlsplit(href)
    return bool(parts.scheme in {"http", "https"} and parts.netloc)


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    # Only the rel values we set ourselves survive; anything else is dropped.
    if tag == "a" and attribute == "rel":
        return value if value in {"noopener", "noopener noreferrer"} else None
    return value


def sanitise(html: str) -> str:
    """Keep only the allow-listed tags, attributes and URL schemes."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        attribute_filter=_attribute_filter,
        strip_comments=True,
    )


def _heading_text(inline) -> str:
    return "".join(c.content for c in inline.children or [] if c.type in {"text", "code_inline"})


def _unique(anchor: str, used: set[str]) -> str:
    base, n = anchor, 2
    while anchor in used:
        anchor, n = f"{base}-{n}", n + 1
    used.add(anchor)
    return anchor


def render_markdown(source: str) -> Rendered:
    """Render Markdown to sanitised HTML with heading ids and a table of contents."""
    env: dict = {}
    tokens = _md.parse(source or "", env)
    toc: list[Heading] = []
    used: set[str] = set(RESERVED_IDS)
    words = 0
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            if token.tag == "h1":  # the page's own title is its only h1
                token.tag = tokens[index + 2].tag = "h2"
            text = _heading_text(tokens[index + 1])
            anchor = _unique(slugify(text), used)
            token.attrSet("id", anchor)
            if token.tag == "h2":
                toc.append(Heading(level=2, text=text, anchor=anchor))
        elif token.type == "inline":
            words += len(re.findall(r"[\w'’-]+", token.content))
            for child in token.children or []:
                if child.type == "link_open" and _is_external(str(child.attrGet("href") or "")):
                    child.attrSet("rel", "noopener")
    html = _md.renderer.render(tokens, _md.options, env)
    return Rendered(html=sanitise(html), toc=tuple(toc), words=words)


_cache: dict[tuple[int, int], tuple[str, Rendered]] = {}
_cache_lock = threading.Lock()


def rendered_article(article) -> Rendered:
    """Return the article's rendering, computed once per (id, version) in this process."""
    key = (article.id, article.version)
    body = article.body_markdown or ""
    with _cache_lock:
        hit = _cache.get(key)
    # The source is kept with the entry so a rebuilt database that reuses an
    # (id, version) pair can never be served another article's HTML.
    if hit is not None and hit[0] == body:
        return hit[1]
    result = render_markdown(body)
    with _cache_lock:
        if key not in _cache and len(_cache) >= CACHE_SIZE:
            _cache.pop(next(iter(_cache)))  # oldest first: dicts keep insertion order
        _cache[key] = (body, result)
    return result


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()
