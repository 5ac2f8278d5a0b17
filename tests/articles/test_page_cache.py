"""The cached article page still varies with consent and shows edits at once."""

from coaching.articles.models import Article
from coaching.articles.services import save_article
from coaching.extensions import db
from tests.consent.conftest import ANALYTICS_URL, decide

ARTICLE = "/articles/career-or-job"


def test_banner_follows_each_visitors_consent(app, seeded):
    undecided, decided = app.test_client(), app.test_client()
    assert 'class="consent-banner' in undecided.get(ARTICLE).get_data(as_text=True)
    decide(decided, "reject_all")
    for _ in range(2):  # the second answer comes from the cache
        assert 'class="consent-banner' not in decided.get(ARTICLE).get_data(as_text=True)
        assert 'class="consent-banner' in undecided.get(ARTICLE).get_data(as_text=True)


def test_consented_script_keeps_its_csp_source_when_cached(make_app, seeded):
    app = make_app(ANALYTICS_SCRIPT_URL=ANALYTICS_URL)
    client = app.test_client()
    decide(client, "accept_all")
    for _ in range(2):
        response = client.get(ARTICLE)
        assert f'src="{ANALYTICS_URL}"' in response.get_data(as_text=True)
        script_src = next(part for part in response.headers["Content-Security-Policy"].split(";")
                          if part.strip().startswith("script-src"))
        assert "https://stats.example.org" in script_src
    assert "Cookie" in response.headers["Vary"]


def test_an_edit_replaces_the_cached_page(app, client, seeded):
    assert client.get(ARTICLE).status_code == 200
    with app.app_context():
        article = db.session.get(Article, seeded)
        save_article(article, title="Career or job? Revised", slug=article.slug,
                     summary=article.summary, body_markdown=article.body_markdown + "\n\nNew line.",
                     publish=True)
        db.session.commit()
    html = client.get(ARTICLE).get_data(as_text=True)
    assert "Career or job? Revised" in html and "New line." in html
