"""Fixtures for the article tests: the seeded article and a signed-in coach."""

from __future__ import annotations

import pytest

from coaching.articles import rendering


@pytest.fixture(autouse=True)
def _fresh_render_cache():
    """Start each test with an empty render cache (it is per process)."""
    rendering.clear_cache()
    yield
    rendering.clear_cache()


@pytest.fixture
def seeded(app):
    """Seed the shipped article as `seed demo` does; return its id."""
    from coaching.articles.models import Article
    from coaching.articles.services import seed_articles
    from coaching.extensions import db

    with app.app_context():
        seed_articles()
        db.session.commit()
        return db.session.query(Article).filter_by(slug="career-or-job").one().id


def make_article(app, **fields):
    """Insert an article directly and return its id."""
    from coaching.articles.models import Article
    from coaching.articles.services import save_article
    from coaching.extensions import db

    values = {"title": "A test article", "slug": "a-test-article", "summary": "About testing.",
              "body_markdown": "## First\n\nHello.\n\n## Second\n\nBye.", "publish": True}
    values.update(fields)
    with app.app_context():
        article = save_article(Article(), **values)
        db.session.commit()
        return article.id
