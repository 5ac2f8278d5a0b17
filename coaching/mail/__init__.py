"""Email: the transactional outbox, its worker, backends and calendar invites."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Offer the add-to-calendar helper to templates; start the dev worker thread on demand."""
    from .calendar_links import calendar_links
    from .thread import start_on_first_request

    app.add_template_global(calendar_links, "calendar_links")
    start_on_first_request(app)
