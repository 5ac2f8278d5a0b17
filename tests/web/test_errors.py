import pytest
from flask import Blueprint, abort


@pytest.fixture
def probing_app(make_app):
    app = make_app()
    bp = Blueprint("error_probe", __name__)

    @bp.get("/_probe/abort/<int:code>")
    def aborter(code):
        abort(code)

    @bp.get("/_probe/crash")
    def crash():
        raise RuntimeError("boom")

    app.register_blueprint(bp)
    return app


@pytest.mark.parametrize("code", [400, 403, 404, 409, 422, 429, 500])
def test_error_pages_use_the_site_layout(probing_app, code):
    response = probing_app.test_client().get(f"/_probe/abort/{code}")
    assert response.status_code == code
    html = response.get_data(as_text=True)
    assert f"Error {code}" in html
    assert '<main id="main"' in html and "Privacy notice" in html
    assert "Content-Security-Policy" in response.headers


def test_405_lists_allowed_methods(make_app):
    app = make_app(WTF_CSRF_ENABLED=False)
    response = app.test_client().post("/robots.txt")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
    assert "Error 405" in response.get_data(as_text=True)


def test_unexpected_exception_gives_friendly_500(probing_app):
    response = probing_app.test_client().get("/_probe/crash")
    assert response.status_code == 500
    assert "Something went wrong" in response.get_data(as_text=True)
    assert "boom" not in response.get_data(as_text=True)


def test_api_errors_are_json(probing_app):
    response = probing_app.test_client().get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.is_json
    assert response.json["error"]["status"] == 404


def test_htmx_error_returns_fragment(probing_app):
    response = probing_app.test_client().get("/_probe/abort/404", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Error 404" in html and "<html" not in html
