from pathlib import Path

import pytest
from flask import Blueprint
from jinja2 import ChoiceLoader, DictLoader

from coaching.htmx import render

TEMPLATE = (
    '{% extends "base.html" %}{% block content %}<h1>Outer</h1><div id="part">'
    "{% block part %}<p>Part {{ n }}</p>{% endblock %}</div>{% endblock %}"
)


@pytest.fixture
def probe_client(make_app):
    app = make_app()
    app.jinja_loader = ChoiceLoader([DictLoader({"probe.html": TEMPLATE}), app.jinja_loader])
    bp = Blueprint("htmx_probe", __name__)

    @bp.get("/_probe/htmx")
    def page():
        return render("probe.html", block="part", n=7)

    app.register_blueprint(bp)
    return app.test_client()


def test_full_page_without_hx_request(probe_client):
    response = probe_client.get("/_probe/htmx")
    html = response.get_data(as_text=True)
    assert "<html" in html and "<h1>Outer</h1>" in html and "<p>Part 7</p>" in html
    assert "HX-Request" in response.headers["Vary"]


def test_block_only_with_hx_request(probe_client):
    response = probe_client.get("/_probe/htmx", headers={"HX-Request": "true"})
    assert response.get_data(as_text=True).strip() == "<p>Part 7</p>"
    assert "HX-Request" in response.headers["Vary"]


@pytest.mark.parametrize("header", ["HX-Boosted", "HX-History-Restore-Request"])
def test_boost_and_history_restore_get_the_page(probe_client, header):
    response = probe_client.get("/_probe/htmx", headers={"HX-Request": "true", header: "true"})
    assert "<html" in response.get_data(as_text=True)


def test_template_files_exist_for_layout():
    root = Path(__file__).resolve().parents[2] / "templates"
    assert (root / "base.html").is_file() and (root / "errors" / "error.html").is_file()
