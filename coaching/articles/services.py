"""Finding, saving and seeding articles: the rules views rely on."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from ..db_types import utcnow
from ..extensions import db
from .models import Article

CONTENT_DIR = Path(__file__).resolve().parent / "content"

SEED_ARTICLES = (
    {
        "slug": "career-or-job",
        "title": "Career or job? How to tell the difference, and why it matters",
        "summary": (
            "What separates a job from a career, how every job can build one, when a job is "
            "exactly the right choice, and questions to help you choose your next step."
        ),
        "file": "career-or-job.md",
    },
)


class SlugTaken(Exception):
    """Another article already uses this slug."""


def published_articles() -> list[Article]:
    """Return published articles, newest first."""
    return list(
        db.session.scalars(
            select(Article)
            .where(Article.status == "published")
            .order_by(Article.published_at.desc(), Article.id.desc())
        )
    )


def published_article(slug: str) -> Article | None:
    """Return the published article with this slug, or None (drafts stay hidden)."""
    return db.session.scalar(
        select(Article).where(Article.slug == slug, Article.status == "published")
    )


def published_version(slug: str):
    """Return (id, version, updated_at) of the published article with this slug, or None.

    A narrow query: the article page needs only these to answer 304 or serve a
    cached page, and loads the whole article only to render it.
    """
    return db.session.execute(
        select(Article.id, Article.version, Article.updated_at)
        .where(Article.slug == slug, Article.status == "published")
    ).first()


def all_articles() -> list[Article]:
    """Return every article for the coach, most recently changed first."""
    return list(db.session.scalars(select(Article).order_by(Article.updated_at.desc())))


def save_article(
    article: Article,
    *,
    title: str,
    slug: str,
    summary: str,
    body_markdown: str,
    publish: bool,
    now: datetime | None = None,
) -> Article:
    """Apply an edit, bump the version and set the status; flush, leave the commit to the caller."""
    now = now or utcnow()
    clash = db.session.scalar(select(Article.id).where(Article.slug == slug))
    if clash is not None and clash != article.id:
        raise SlugTaken(slug)
    article.title = title
    article.slug = slug
    article.summary = summary
    article.body_markdown = body_markdown
    article.status = "published" if publish else "draft"
    if publish and article.published_at is None:
        article.published_at = now
    if article.id is not None:
        # Every saved change is a new version: it keys the render cache and the ETag.
        article.version = (article.version or 0) + 1
    else:
        article.version = 1
        article.created_at = now
    article.updated_at = now
    db.session.add(article)
    db.session.flush()
    return article


def seed_articles() -> int:
    """Add the shipped articles that are missing, published; return how many were added."""
    added = 0
    for spec in SEED_ARTICLES:
        if db.session.scalar(select(Article.id).where(Article.slug == spec["slug"])):
            continue
        body = (CONTENT_DIR / spec["file"]).read_text(encoding="utf-8")
        save_article(
            Article(),
            title=spec["title"],
            slug=spec["slug"],
            summary=spec["summary"],
            body_markdown=body,
            publish=True,
        )
        added += 1
    return added
