"""Markdown rendering: structure, sanitising of hostile input, caching."""

from __future__ import annotations

from html.parser import HTMLParser
from types import SimpleNamespace

import pytest

from coaching.articles import rendering
from coaching.articles.rendering import render_markdown, rendered_article


def test_headings_get_ids_and_a_table_of_contents():
    source = "# Intro\n\nText.\n\n## What a job is\n\n### Detail\n\n## What a job is"
    result = render_markdown(source)
    assert '<h2 id="intro">Intro</h2>' in result.html
    assert '<h2 id="what-a-job-is">' in result.html
    assert '<h3 id="detail">' in result.html
    # A repeated heading gets its own anchor rather than a duplicate id.
    assert '<h2 id="what-a-job-is-2">' in result.html
    assert [h.anchor for h in result.toc] == ["intro", "what-a-job-is", "what-a-job-is-2"]
    assert "<h1" not in result.html


def test_heading_cannot_take_an_id_the_page_uses():
    result = render_markdown("## Main\n\n## TOC")
    assert 'id="main"' not in result.html
    assert 'id="toc"' not in result.html


def test_reading_time_rounds_up_and_is_at_least_one_minute():
    assert render_markdown("Just a few words.").reading_minutes == 1
    long = render_markdown(" ".join(["word"] * 461))
    assert long.words == 461
    assert long.reading_minutes == 3


def test_markdown_features_survive_sanitising():
    source = (
        "Some *emphasis*, **strong**, `code` and [a link](/assessment).\n\n"
        "> A quote\n\n- one\n- two\n\n1. first\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    )
    html = render_markdown(source).html
    for fragment in ("<em>emphasis</em>", "<strong>strong</strong>", "<code>code</code>",
                     '<a href="/assessment">a link</a>', "<blockquote>", "<ul>", "<ol>",
                     "<table>", "<td>1</td>"):
        assert fragment in html


def test_external_links_get_noopener_and_internal_ones_do_not():
    html = render_markdown("[ico](https://ico.org.uk/) and [book](/book)").html
    assert '<a href="https://ico.org.uk/" rel="noopener">' in html
    assert '<a href="/book">' in html


HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    '<a href="jav&#x09;ascript:alert(1)">tab</a>',
    '<iframe src="https://evil.example/"></iframe>',
    '<p style="position:fixed;top:0">overlay</p>',
    "<style>body{display:none}</style>",
    '<div onclick="steal()">x</div>',
    '<svg onload="alert(1)"><circle r="1"/></svg>',
    '<form action="https://evil.example/"><input name="password"></form>',
    '<a href="/ok" onmouseover="alert(1)" rel="opener">hover</a>',
    '<object data="x.swf"></object><embed src="x.swf">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    "<!-- <script>alert(1)</script> -->",
    '<img src="data:image/svg+xml;base64,PHN2Zz4=">',
]


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


ALLOWED_OUTPUT_TAGS = {"p", "a", "img", "strong", "em"}


@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_markdown_is_neutralised(source):
    html = render_markdown(f"Before.\n\n{source}\n\nAfter.").html
    parser = _Collector()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert tag in ALLOWED_OUTPUT_TAGS, (tag, html)
        assert not [name for name in attrs if name.startswith("on")], html
        assert "style" not in attrs
        for name in ("href", "src"):
            value = (attrs.get(name) or "").strip().lower()
            assert not value.startswith(("javascript", "jav", "data:")), html
        assert attrs.get("rel") in (None, "noopener"), html
    assert "<script" not in html.lower()
    assert "alert(1)</script>" not in html  # script bodies go, not only their tags
    assert "Before." in html and "After." in html


def test_rendering_is_cached_per_article_version(monkeypatch):
    calls = []
    real = rendering.render_markdown
    monkeypatch.setattr(rendering, "render_markdown", lambda s: calls.append(s) or real(s))
    article = SimpleNamespace(id=7, version=1, body_markdown="## One")
    first = rendered_article(article)
    assert rendered_article(article) is first
    assert len(calls) == 1
    article.version, article.body_markdown = 2, "## Two"
    assert 'id="two"' in rendered_article(article).html
    assert len(calls) == 2


def test_cache_never_serves_another_body_for_a_reused_version():
    rendered_article(SimpleNamespace(id=1, version=1, body_markdown="## Old"))
    fresh = rendered_article(SimpleNamespace(id=1, version=1, body_markdown="## New"))
    assert 'id="new"' in fresh.html
