"""Home, privacy, sitemap, robots and feed: what people and crawlers see."""

from __future__ import annotations

import json
import re
from xml.etree import ElementTree as ET

from .conftest import make_article

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ATOM = "{http://www.w3.org/2005/Atom}"
PUBLIC_PAGES = ["/", "/articles/", "/articles/career-or-job", "/privacy"]


def test_sitemap_lists_exactly_the_public_pages_and_published_articles(app, client, seeded):
    make_article(app, slug="hidden-draft", publish=False)
    make_article(app, slug="second-article", title="Second")
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    root = ET.fromstring(  # noqa: S314 - our own output
        response.data)
    locs = [url.find(f"{SITEMAP_NS}loc").text for url in root.findall(f"{SITEMAP_NS}url")]
    base = "http://localhost"
    assert sorted(locs) == sorted(
        base + path for path in ["/", "/articles/", "/assessment", "/book", "/privacy",
                                 "/cookies", "/articles/career-or-job",
                                 "/articles/second-article"]
    )
    lastmods = [u.find(f"{SITEMAP_NS}lastmod") for u in root.findall(f"{SITEMAP_NS}url")]
    assert [m.text for m in lastmods if m is not None][0].endswith("Z")


def test_sitemap_uses_public_base_url(make_app, seeded):
    app = make_app(PUBLIC_BASE_URL="https://coach.example.org")
    root = ET.fromstring(  # noqa: S314 - our own output
        app.test_client().get("/sitemap.xml").data)
    for loc in root.iter(f"{SITEMAP_NS}loc"):
        assert loc.text.startswith("https://coach.example.org/")


def test_robots_disallows_private_areas_and_points_to_the_sitemap(client):
    body = client.get("/robots.txt").get_data(as_text=True)
    assert "Disallow: /dashboard/" in body.splitlines()
    assert "Disallow: /bookings/" in body.splitlines()
    assert "Sitemap: http://localhost/sitemap.xml" in body.splitlines()


def test_atom_feed_parses_and_carries_published_articles_only(app, client, seeded):
    make_article(app, slug="hidden-draft", title="Hidden", publish=False)
    response = client.get("/articles/feed.xml")
    assert response.mimetype == "application/atom+xml"
    feed = ET.fromstring(  # noqa: S314 - our own output
        response.data)
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}id").text for e in entries] == [
        "http://localhost/articles/career-or-job"
    ]
    content = entries[0].find(f"{ATOM}content")
    assert content.get("type") == "html"
    assert "<h2 id=\"what-a-job-is\">" in content.text
    assert feed.find(f"{ATOM}updated").text.endswith("Z")


def _head(html: str) -> dict:
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()
    description = re.search(r'<meta name="description" content="([^"]*)"', html).group(1)
    canonical = re.search(r'<link rel="canonical" href="([^"]+)"', html).group(1)
    og = dict(re.findall(r'<meta property="og:(\w+)" content="([^"]*)"', html))
    twitter = dict(re.findall(r'<meta name="twitter:(\w+)" content="([^"]*)"', html))
    return {"title": title, "description": description, "canonical": canonical,
            "og": og, "twitter": twitter}


def test_each_public_page_has_a_unique_title_description_and_canonical(client, seeded):
    heads = {}
    for path in PUBLIC_PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        heads[path] = _head(response.get_data(as_text=True))
    titles = [h["title"] for h in heads.values()]
    descriptions = [h["description"] for h in heads.values()]
    assert len(set(titles)) == len(titles)
    assert len(set(descriptions)) == len(descriptions)
    for path, head in heads.items():
        assert head["canonical"] == "http://localhost" + path
        assert head["og"]["url"] == head["canonical"]
        assert head["og"]["title"] and head["og"]["description"]
        assert head["twitter"]["card"] == "summary"
        assert 50 <= len(head["description"]) <= 200, (path, head["description"])
    assert heads["/articles/career-or-job"]["og"]["type"] == "article"


def test_home_has_professional_service_json_ld_and_three_paths(client, seeded):
    html = client.get("/").get_data(as_text=True)
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    data = json.loads(raw)
    assert data["@type"] == "ProfessionalService"
    assert data["name"] == "Career Compass Coaching"
    assert data["founder"]["name"] == "Alex Morgan"
    assert data["url"] == "http://localhost/"
    for href in ('href="/articles/career-or-job"', 'href="/assessment"', 'href="/book"'):
        assert href in html
    assert "ICF Professional Certified Coach" in html
    assert "15-minute" in html
    assert 'id="about"' in html


def test_home_still_works_with_no_articles(client):
    response = client.get("/")
    assert response.status_code == 200
    assert 'href="/articles/"' in response.get_data(as_text=True)


def test_privacy_notice_reads_retention_from_config(make_app):
    app = make_app(BOOKING_RETENTION_DAYS=123, CONSENT_RECORD_RETENTION_DAYS=456)
    html = app.test_client().get("/privacy").get_data(as_text=True)
    assert "Erased 123 days after the appointment" in html
    assert "456 days" in html
    for phrase in ("Sec-GPC: 1", "Information Commissioner", "portability", "erasure",
                   "rectification", "restriction", 'href="/cookies"', "last part removed",
                   "hello@career-compass.example", "time zone"):
        assert phrase in html, phrase
