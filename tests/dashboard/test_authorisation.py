"""No dashboard page, action or htmx fragment answers without a signed-in coach."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(("method", "path"), [
    ("POST", "/dashboard/availability/hours"),
    ("POST", "/dashboard/availability/hours/1/delete"),
    ("POST", "/dashboard/bookings/1/notes"),
    ("GET", "/dashboard/bookings?q=a"),
    ("GET", "/dashboard/mail?status=failed"),
])
def test_htmx_fragments_need_login(make_app, coach, method, path):
    client = make_app(WTF_CSRF_ENABLED=False).test_client()
    response = client.open(path, method=method, headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/dashboard/login")
    assert b"<table" not in response.data and b"dash-weekly" not in response.data


def test_login_redirect_remembers_only_pages(make_app, coach):
    client = make_app(WTF_CSRF_ENABLED=False).test_client()
    page = client.get("/dashboard/bookings?show=past")
    assert page.headers["Location"] == "/dashboard/login?next=/dashboard/bookings?show%3Dpast"
    action = client.post("/dashboard/availability/rules")
    assert action.headers["Location"] == "/dashboard/login"


def test_csv_and_feed_settings_need_login(client, coach):
    response = client.get("/dashboard/bookings/export.csv?start=2026-01-01&end=2026-01-31")
    assert response.status_code == 303
    assert response.mimetype != "text/csv"
