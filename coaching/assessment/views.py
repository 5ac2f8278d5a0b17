"""The self-assessment."""

from __future__ import annotations

from flask import Blueprint

from ..htmx import render

bp = Blueprint("assessment", __name__)


@bp.get("/assessment")
def start():
    """Show the self-assessment."""
    return render("placeholder.html", title="Self-assessment")
