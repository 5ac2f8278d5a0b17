"""The coach's article editor: list, edit with a live preview, save a draft or publish."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Regexp

from ..articles.models import Article
from ..articles.rendering import render_markdown
from ..articles.services import SlugTaken, all_articles, save_article
from ..extensions import db
from ..htmx import render
from . import audit
from .blueprint import bp

ACTIONS = {"draft", "publish", "preview"}


def _without_nul(value: str | None) -> str | None:
    # PostgreSQL text cannot hold NUL; dropping it keeps hostile input a 422, never a 500.
    return value.replace("\x00", "") if isinstance(value, str) else value


class ArticleForm(FlaskForm):
    title = StringField(
        "Title",
        validators=[DataRequired("Enter a title."), Length(max=200)],
        filters=[_without_nul],
    )
    slug = StringField(
        "Web address",
        filters=[_without_nul],
        validators=[
            DataRequired("Enter a web address."),
            Length(max=120),
            Regexp(
                r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
                message="Use lower-case letters, digits and single hyphens, e.g. career-or-job.",
            ),
        ],
    )
    summary = TextAreaField(
        "Summary",
        validators=[Length(max=400, message="Keep the summary under 400 characters.")],
        filters=[_without_nul],
    )
    body_markdown = TextAreaField("Article text (Markdown)", filters=[_without_nul])
    # The version the coach started from: saving over a newer one would lose work.
    version = HiddenField()


def _article_or_404(article_id: int) -> Article:
    article = db.session.get(Article, article_id)
    if article is None:
        abort(404)
    return article


@bp.get("/articles")
def articles():
    """List every article with its status."""
    return render("dashboard/articles.html", articles=all_articles())


@bp.route("/articles/new", methods=["GET", "POST"])
def article_new():
    """Write a new article."""
    return _edit(Article(status="draft", version=0))


@bp.route("/articles/<int:article_id>", methods=["GET", "POST"])
def article_edit(article_id: int):
    """Edit an article: preview it, save it as a draft or publish it."""
    return _edit(_article_or_404(article_id))


def _edit(article: Article):
    form = ArticleForm(obj=article)
    action = request.form.get("action", "draft")
    if request.method == "GET":
        return _page(article, form)
    if action not in ACTIONS:
        abort(400)
    if action == "preview":
        # Nothing is saved: htmx gets the preview fragment, a plain form post the whole page.
        return _page(article, form, preview=True)
    if not form.validate_on_submit():
        return _page(article, form, status=422)
    if article.id is not None and form.version.data != str(article.version):
        form.version.data = str(article.version)
        return _page(article, form, status=409, stale=True)
    try:
        save_article(
            article,
            title=form.title.data.strip(),
            slug=form.slug.data.strip(),
            summary=(form.summary.data or "").strip(),
            body_markdown=form.body_markdown.data or "",
            publish=action == "publish",
        )
    except SlugTaken:
        db.session.rollback()
        form.slug.errors.append("Another article already uses this web address.")
        return _page(article, form, status=422)
    audit.record("article_published" if action == "publish" else "article_saved_draft",
                 article_id=article.id, slug=article.slug, version=article.version)
    db.session.commit()
    flash("Published: the public page now shows this version." if action == "publish"
          else "Saved as a draft: the public cannot see it.", "success")
    return redirect(url_for("dashboard.article_edit", article_id=article.id), code=303)


def _page(
    article: Article,
    form: ArticleForm,
    *,
    status: int = 200,
    preview: bool = False,
    stale: bool = False,
):
    rendered = render_markdown(form.body_markdown.data or "")
    return render(
        "dashboard/article_edit.html",
        block="preview" if preview else None,
        status=status,
        article=article,
        form=form,
        rendered=rendered,
        stale=stale,
    )
