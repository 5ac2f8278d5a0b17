"""Public article pages."""

from __future__ import annotations

from flask import Blueprint, abort

from ..htmx import render

bp = Blueprint("articles", __name__, url_prefix="/articles")


@bp.get("/")
def index():
    """List published articles."""
    return render("placeholder.html", title="Articles")


@bp.get("/<slug>")
def show(slug: str):
    """Show one published article."""
    abort(404)
