"""Hostile and broken input on /consent: refused with 400/413/422, never a 500."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from coaching.consent.models import ConsentRecord
from tests.consent.conftest import ORIGIN

GOOD = {"action": "accept_all", "next": "/", "revision": "1"}


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Referer": "https://evil.example/page"},
        {"Referer": "not a url"},
        {**ORIGIN, "Sec-Fetch-Site": "cross-site"},
        {**ORIGIN, "Sec-Fetch-Site": "same-site"},
        {"Origin": "http://localhost.evil.example"},
    ],
)
def test_cross_site_or_unproven_posts_are_refused(client, headers):
    response = client.post("/consent", data=GOOD, headers=headers)
    assert response.status_code == 400
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize(
    "next_",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "evil",
        "/ok\r\nSet-Cookie: x=1",
        "/" + "a" * 5000,
    ],
)
def test_bad_next_is_refused(client, next_):
    response = client.post("/consent", data={**GOOD, "next": next_}, headers=ORIGIN)
    assert response.status_code == 400


@pytest.mark.parametrize(
    "form",
    [
        {"action": "custom", "category": ["tracking"]},
        {"action": "custom", "category": ["media"] * 50},
        {"action": "custom", "category": ["necessary"]},
        {"action": "maybe"},
        {"action": "x" * 100_000},
        {},
        {"action": "accept_all", "revision": "0"},
        {"action": "accept_all", "revision": "99999999999999999999999"},
        {"action": "accept_all", "revision": "-1"},
        {"action": "accept_all", "revision": "1; DROP TABLE consent_record"},
        {"action": ["accept_all", "reject_all"], "revision": "2"},
    ],
)
def test_impossible_decisions_get_422(client, app, form):
    response = client.post("/consent", data={"next": "/", **form}, headers=ORIGIN)
    assert response.status_code == 422
    assert "There is a problem" in response.get_data(as_text=True)
    from coaching.extensions import db

    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ConsentRecord)) == 0


def test_huge_body_is_413(client):
    response = client.post("/consent", data={**GOOD, "x": "y" * 300_000}, headers=ORIGIN)
    assert response.status_code == 413


def test_get_with_junk_query_is_fine(client):
    assert client.get("/consent?saved=%00%ff" + "x" * 3000).status_code == 200


def test_decisions_are_rate_limited(make_app):
    client = make_app(RATELIMIT_ENABLED=True).test_client()
    codes = [
        client.post("/consent", data=GOOD, headers=ORIGIN).status_code for _ in range(31)
    ]
    assert codes[:30] == [303] * 30
    assert codes[30] == 429
