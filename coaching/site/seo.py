"""What search engines and link previews read: JSON-LD, dates, sitemap and feed XML."""

from __future__ import annotations

import json
from datetime import datetime
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo

from babel.dates import format_date
from flask import current_app
from markupsafe import Markup

from ..templating import absolute_url

# Dates on public pages are shown as the practice (in the UK) sees them.
DISPLAY_ZONE = ZoneInfo("Europe/London")
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
ATOM_NS = "http://www.w3.org/2005/Atom"


def json_ld(data: dict) -> Markup:
    """Serialise `data` for a <script type="application/ld+json"> that text cannot break out of."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # "</script>" or "<!--" in a title must not end or confuse the script element.
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)  # noqa: S704 - escaped above for the script-data context


def long_date(value: datetime | None) -> str:
    """Format an instant as a British date, e.g. "21 November 2026"."""
    if value is None:
        return ""
    return format_date(value.astimezone(DISPLAY_ZONE).date(), format="long", locale="en_GB")


def iso(value: datetime) -> str:
    """Format an aware instant as ISO 8601 in UTC with a Z, as feeds and JSON-LD like it."""
    return value.astimezone(ZoneInfo("UTC")).replace(microsecond=0).isoformat().replace(
        "+00:00", "Z"
    )


def sitemap_xml(entries: list[tuple[str, datetime | None]]) -> bytes:
    """Build a sitemap from (absolute URL, last modified) pairs."""
    ET.register_namespace("", SITEMAP_NS)
    urlset = ET.Element(f"{{{SITEMAP_NS}}}urlset")
    for loc, lastmod in entries:
        url = ET.SubElement(urlset, f"{{{SITEMAP_NS}}}url")
        ET.SubElement(url, f"{{{SITEMAP_NS}}}loc").text = loc
        if lastmod is not None:
            ET.SubElement(url, f"{{{SITEMAP_NS}}}lastmod").text = iso(lastmod)
    return ET.tostring(urlset, encoding="utf-8", xml_declaration=True)


def atom_feed(articles: list, render_html) -> bytes:
    """Build an Atom feed of `articles`; `render_html(article)` gives each one's HTML."""
    ET.register_namespace("", ATOM_NS)
    config = current_app.config

    def sub(parent, tag, text=None, **attrs):
        element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
        if text is not None:
            element.text = text
        return element

    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    feed.set("{http://www.w3.org/XML/1998/namespace}lang", "en-GB")
    sub(feed, "title", f"{config['PRACTICE_NAME']}: articles")
    sub(feed, "subtitle", config["PRACTICE_TAGLINE"])
    sub(feed, "id", absolute_url("articles.index"))
    sub(feed, "link", rel="self", type="application/atom+xml", href=absolute_url("articles.feed"))
    sub(feed, "link", rel="alternate", type="text/html", href=absolute_url("articles.index"))
    updated = max((a.updated_at for a in articles), default=None)
    sub(feed, "updated", iso(updated) if updated else "1970-01-01T00:00:00Z")
    author = sub(feed, "author")
    sub(author, "name", config["COACH_NAME"])
    for article in articles:
        url = absolute_url("articles.show", slug=article.slug)
        entry = sub(feed, "entry")
        sub(entry, "title", article.title)
        sub(entry, "id", url)
        sub(entry, "link", rel="alternate", type="text/html", href=url)
        sub(entry, "published", iso(article.published_at or article.created_at))
        sub(entry, "updated", iso(article.updated_at))
        sub(entry, "summary", article.summary)
        sub(entry, "content", render_html(article), type="html")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
