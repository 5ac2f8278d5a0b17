"""The coach's dashboard."""

from __future__ import annotations

from ..htmx import render
from .blueprint import bp


@bp.get("/login")
def login():
    """Show the login form."""
    return render("placeholder.html", title="Coach login")


@bp.get("/")
def overview():
    """Show the coach's overview."""
    return render("placeholder.html", title="Overview")
