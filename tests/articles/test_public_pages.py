"""The public article pages: content, drafts, conditional GET, counting views."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from html.parser import HTMLParser

from werkzeug.http import http_date

from .conftest import make_article

ARTICLE = "/articles/career-or-job"


class _Text(HTMLParser):
    """Collect visible text of the article body and the page's JSON-LD blocks."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.words: list[str] = []
        self.json_ld: list[str] = []
        self._in_ld = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id") == "article-body":
            self.depth = 1
        elif self.depth and tag == "div":
            self.depth += 1
        self._in_ld = tag == "script" and attrs.get("type") == "application/ld+json"

    def handle_endtag(self, tag):
        if self.depth and tag == "div":
            self.depth -= 1
        self._in_ld = False

    def handle_data(self, data):
        if self._in_ld:
            self.json_ld.append(data)
        elif self.depth:
            self.words += re.findall(r"[A-Za-z0-9][\w'’-]*", data)


def parse(html: bytes) -> _Text:
    parser = _Text()
    parser.feed(html.decode())
    return parser


def test_article_page_shows_the_article_with_contents_and_dates(client, seeded):
    response = client.get(ARTICLE)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<h1 id=\"article-title\">Career or job?" in html
    assert 'href="#how-jobs-build-a-career"' in html
    assert 'id="how-jobs-build-a-career"' in html
    assert re.search(r"Published <time datetime=\"\d{4}-\d\d-\d\d\">\d{1,2} \w+ \d{4}</time>", html)
    assert re.search(r"\d+ min read", html)
    assert "Set-Cookie" not in response.headers  # no form on the page, so no session


def test_article_is_within_the_length_and_ends_with_both_calls_to_action(client, seeded):
    page = parse(client.get(ARTICLE).data)
    assert 1200 <= len(page.words) <= 1800, len(page.words)
    html = client.get(ARTICLE).get_data(as_text=True)
    body = html[html.index('id="article-body"'):html.index('class="article__cta"')]
    links = re.findall(r'href="([^"]+)"', body)
    assert links.count("/assessment") == 2  # the prompt in the middle and the ending
    assert links[-2:] == ["/assessment", "/book"]
    middle = body.index('href="/assessment"') / len(body)
    assert 0.3 < middle < 0.7


def test_article_json_ld_is_valid_and_describes_the_article(client, seeded):
    blocks = parse(client.get(ARTICLE).data).json_ld
    assert len(blocks) == 1
    data = json.loads(blocks[0])
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Article"
    assert data["headline"].startswith("Career or job?")
    assert data["mainEntityOfPage"] == "http://localhost/articles/career-or-job"
    assert data["author"]["name"] == "Alex Morgan"
    assert data["datePublished"] <= data["dateModified"]


def test_json_ld_cannot_be_broken_out_of(app, client):
    make_article(app, title="</script><script>alert(1)</script> & <!--", slug="hostile-title")
    html = client.get("/articles/hostile-title").get_data(as_text=True)
    block = html[html.index('<script type="application/ld+json">'):]
    block = block[len('<script type="application/ld+json">'):block.index("</script>")]
    assert "<" not in block and ">" not in block
    assert json.loads(block)["headline"] == "</script><script>alert(1)</script> & <!--"


def test_drafts_and_unknown_slugs_are_404(app, client):
    make_article(app, slug="still-a-draft", publish=False)
    assert client.get("/articles/still-a-draft").status_code == 404
    assert client.get("/articles/no-such-thing").status_code == 404
    assert "still-a-draft" not in client.get("/articles/").get_data(as_text=True)


def test_index_lists_published_articles(client, seeded):
    html = client.get("/articles/").get_data(as_text=True)
    assert 'href="/articles/career-or-job"' in html


def test_matching_etag_gets_304_without_a_body(client, seeded):
    first = client.get(ARTICLE)
    etag = first.headers["ETag"]
    assert first.headers["Last-Modified"]
    assert "no-cache" in first.headers["Cache-Control"]
    again = client.get(ARTICLE, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    other = client.get(ARTICLE, headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200


def test_if_modified_since_gets_304_until_the_article_changes(app, client, seeded):
    last_modified = client.get(ARTICLE).headers["Last-Modified"]
    assert client.get(ARTICLE, headers={"If-Modified-Since": last_modified}).status_code == 304
    from coaching.articles.models import Article
    from coaching.extensions import db

    with app.app_context():
        article = db.session.get(Article, seeded)
        earlier = http_date(article.updated_at - timedelta(days=1))
    assert client.get(ARTICLE, headers={"If-Modified-Since": earlier}).status_code == 200


def test_etag_changes_after_an_edit(app, client, seeded):
    from coaching.articles.models import Article
    from coaching.articles.services import save_article
    from coaching.extensions import db

    before = client.get(ARTICLE).headers["ETag"]
    with app.app_context():
        article = db.session.get(Article, seeded)
        save_article(article, title=article.title, slug=article.slug, summary=article.summary,
                     body_markdown=article.body_markdown + "\n\nA new closing line.",
                     publish=True, now=article.updated_at + timedelta(minutes=5))
        db.session.commit()
    response = client.get(ARTICLE, headers={"If-None-Match": before})
    assert response.status_code == 200
    assert response.headers["ETag"] != before
    assert "A new closing line." in response.get_data(as_text=True)


def test_article_views_are_counted(app, client, seeded):
    from coaching.extensions import db
    from coaching.metrics import DailyCounter

    client.get(ARTICLE)
    client.get(ARTICLE)
    client.get("/articles/no-such-thing")
    with app.app_context():
        counts = db.session.query(DailyCounter).filter_by(metric="article_view").all()
        assert sum(row.count for row in counts) == 2
