"""Cookie consent: the banner's form, the settings page and the cookie policy."""

from __future__ import annotations

from flask import Blueprint

from ..htmx import render

bp = Blueprint("consent", __name__)


@bp.get("/cookies")
def policy():
    """Show the cookie policy."""
    return render("placeholder.html", title="Cookies")


@bp.get("/consent")
def settings():
    """Show the cookie choices."""
    return render("placeholder.html", title="Cookie settings")
