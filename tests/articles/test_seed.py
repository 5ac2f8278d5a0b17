"""`flask seed demo` gives a new install the published article, once."""

from __future__ import annotations

from sqlalchemy import func, select


def test_seed_demo_creates_the_article_once(app):
    from coaching.articles.models import Article
    from coaching.extensions import db

    runner = app.test_cli_runner()
    for _ in range(2):
        result = runner.invoke(args=["seed", "demo"])
        assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Article)) == 1
        article = db.session.scalar(select(Article))
        assert article.slug == "career-or-job"
        assert article.status == "published"
        assert article.published_at is not None
        assert article.body_markdown.startswith("People often tell me")
    assert app.test_client().get("/articles/career-or-job").status_code == 200


def test_seed_keeps_the_coach_s_edits(app, seeded):
    from coaching.articles.models import Article
    from coaching.extensions import db

    with app.app_context():
        db.session.get(Article, seeded).title = "The coach's own title"
        db.session.commit()
    assert app.test_cli_runner().invoke(args=["seed", "demo"]).exit_code == 0
    with app.app_context():
        assert db.session.get(Article, seeded).title == "The coach's own title"
