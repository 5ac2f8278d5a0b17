"""What every template can use: the practice's details and cache-busted asset URLs."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from flask import Flask, current_app, url_for


@cache
def _digest(static_folder: str, filename: str) -> str:
    path = Path(static_folder) / filename
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def asset_url(filename: str) -> str:
    """Return the URL of a static file with a content hash, so it can be cached long."""
    version = _digest(current_app.static_folder, filename)
    return url_for("static", filename=filename, v=version)


def absolute_url(endpoint: str, **values) -> str:
    """Return a URL on PUBLIC_BASE_URL, for canonical links, feeds and emails."""
    path = url_for(endpoint, **values)
    return current_app.config["PUBLIC_BASE_URL"] + path


def _practice() -> dict:
    cfg = current_app.config
    return {
        "practice_name": cfg["PRACTICE_NAME"],
        "practice_tagline": cfg["PRACTICE_TAGLINE"],
        "coach_name": cfg["COACH_NAME"],
        "coach_credentials": cfg["COACH_CREDENTIALS"],
        "contact_email": cfg["CONTACT_EMAIL"],
        "public_base_url": cfg["PUBLIC_BASE_URL"],
    }


def init_app(app: Flask) -> None:
    app.context_processor(_practice)
    app.jinja_env.globals.update(asset_url=asset_url, absolute_url=absolute_url)
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
