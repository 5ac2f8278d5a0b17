"""The public booking calendar and the visitor's manage page."""

from __future__ import annotations

from flask import Blueprint

from ..htmx import render

bp = Blueprint("booking", __name__)


@bp.get("/book")
def calendar():
    """Show the booking calendar."""
    return render("placeholder.html", title="Book a free 15-minute call")
