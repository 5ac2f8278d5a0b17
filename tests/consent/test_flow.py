"""Every consent state and transition, with and without htmx."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import select

from coaching.consent.models import ConsentRecord
from tests.consent.conftest import ANALYTICS_URL, ORIGIN, decide, set_cookies, stored_choice

BANNER = 'id="consent-banner"'
DAY = 24 * 3600


def _records(app):
    from coaching.extensions import db

    with app.app_context():
        return db.session.scalars(select(ConsentRecord).order_by(ConsentRecord.id)).all()


def test_first_visit_shows_banner_and_sets_no_cookie(client):
    response = client.get("/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert BANNER in html
    assert 'role="region" aria-labelledby="consent-banner-title"' in html
    assert 'aria-live="polite"' in html
    accept = re.search(r'<button[^>]*value="accept_all"[^>]*>', html).group(0)
    reject = re.search(r'<button[^>]*value="reject_all"[^>]*>', html).group(0)
    # Equal prominence: the same markup apart from the value.
    assert accept.replace("accept_all", "X") == reject.replace("reject_all", "X")
    assert "<summary>Choose</summary>" in html
    assert 'href="/cookies"' in html
    switches = re.findall(r'<input type="checkbox" role="switch"[^>]*>', html)
    assert switches and not any("checked" in s for s in switches)
    assert "<iframe" not in html
    assert "Load the video (allows cookies from YouTube)" in html


def test_reject_all_without_js_redirects_back_and_remembers(app, client):
    response = decide(client, "reject_all", next_="/privacy?x=1")
    assert response.status_code == 303
    assert response.headers["Location"] == "/privacy?x=1"
    cookies = set_cookies(response)
    consent = cookies["consent"]
    assert "HttpOnly" in consent and "SameSite=Lax" in consent and "Secure" not in consent
    assert f"Max-Age={183 * DAY}" in consent
    # Refusing analytics deletes whatever the analytics tool may have left.
    assert "Max-Age=0" in cookies["_pk_id"] and "Max-Age=0" in cookies["_pk_ses"]
    assert stored_choice(app, client)["analytics"] is False
    page = client.get("/privacy")
    assert BANNER not in page.get_data(as_text=True)
    assert "Set-Cookie" not in page.headers
    (record,) = _records(app)
    assert record.action == "reject_all"
    assert record.choices == {"analytics": False, "media": False}
    assert record.policy_revision == 1
    assert record.ip_truncated == "127.0.0.0/24"
    assert len(record.user_agent_hash) == 64


def test_accept_all_loads_media_and_lasts_13_months(app, client):
    response = decide(client, "accept_all")
    assert f"Max-Age={395 * DAY}" in set_cookies(response)["consent"]
    home = client.get("/")
    html = home.get_data(as_text=True)
    assert '<iframe src="https://www.youtube-nocookie.com/embed/' in html
    assert "frame-src https://www.youtube-nocookie.com" in home.headers["Content-Security-Policy"]
    assert BANNER not in html
    assert _records(app)[0].action == "accept_all"


def test_custom_choice_and_consent_id_survive_changes(app, client):
    decide(client, "custom", categories=["media"])
    first = stored_choice(app, client)
    assert (first["analytics"], first["media"]) == (False, True)
    decide(client, "accept_all")
    second = stored_choice(app, client)
    assert second["id"] == first["id"]
    assert [r.consent_id for r in _records(app)] == [first["id"]] * 2
    assert [r.action for r in _records(app)] == ["custom", "accept_all"]


def test_withdrawal_deletes_cookies_of_withdrawn_category(analytics_app):
    client = analytics_app.test_client()
    decide(client, "accept_all")
    client.set_cookie("_pk_id.1.a1b2", "visitor")
    response = decide(client, "custom", categories=["media"], next_="/consent")
    cookies = set_cookies(response)
    assert "Max-Age=0" in cookies["_pk_id.1.a1b2"]
    assert "Max-Age=0" in cookies["_pk_id"]
    assert "YSC" not in cookies  # third-party: not ours to delete
    assert [r.action for r in _records(analytics_app)] == ["accept_all", "withdraw"]
    assert client.get_cookie("_pk_id.1.a1b2") is None


def test_video_placeholder_records_media_consent_and_returns(app, client):
    html = client.get("/").get_data(as_text=True)
    assert 'name="next" value="/#intro-video"' in html
    response = decide(client, "media", next_="/#intro-video")
    assert response.status_code == 303
    assert response.headers["Location"] == "/#intro-video"
    assert stored_choice(app, client)["media"] is True
    assert "<iframe" in client.get("/").get_data(as_text=True)
    assert _records(app)[0].choices == {"analytics": False, "media": True}


def test_htmx_decision_swaps_banner_without_reload(app, client):
    response = decide(client, "reject_all", next_="/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "Location" not in response.headers
    assert "HX-Request" in response.headers["Vary"]
    body = response.get_data(as_text=True)
    assert "data-consent-saved" in body and "only necessary cookies" in body
    assert "<html" not in body
    assert "consent" in set_cookies(response)
    assert len(_records(app)) == 1


def test_htmx_bad_input_answers_422_fragment(client):
    response = decide(client, "sell_my_data", headers={"HX-Request": "true"})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert 'role="alert"' in body and "<html" not in body
    assert 'role="region"' in body
    assert "Set-Cookie" not in response.headers


def test_settings_page_shows_stored_choice_and_reopens(client):
    page = client.get("/consent").get_data(as_text=True)
    assert 'value="media"' in page and BANNER not in page
    decide(client, "custom", categories=["media"], next_="/consent?saved=1")
    page = client.get("/consent?saved=1").get_data(as_text=True)
    assert "Your choices are saved." in page
    media = re.search(r'<input[^>]*id="settings-media"[^>]*>', page).group(0)
    assert "checked" in media


def test_refusal_is_asked_again_after_six_months(client):
    start = datetime(2026, 1, 10, 12, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        decide(client, "reject_all")
    with time_machine.travel(start + timedelta(days=182), tick=False):
        assert BANNER not in client.get("/").get_data(as_text=True)
    with time_machine.travel(start + timedelta(days=184), tick=False):
        assert BANNER in client.get("/").get_data(as_text=True)


def test_consent_is_asked_again_after_thirteen_months(client):
    start = datetime(2026, 1, 10, 12, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        decide(client, "accept_all")
    with time_machine.travel(start + timedelta(days=394), tick=False):
        html = client.get("/").get_data(as_text=True)
        assert BANNER not in html and "<iframe" in html
    with time_machine.travel(start + timedelta(days=396), tick=False):
        html = client.get("/").get_data(as_text=True)
        assert BANNER in html and "<iframe" not in html


def test_revision_bump_asks_everyone_again(make_app):
    old = make_app().test_client()
    decide(old, "accept_all")
    cookie = old.get_cookie("consent").value
    bumped_app = make_app(CONSENT_POLICY_REVISION=2)
    bumped = bumped_app.test_client()
    bumped.set_cookie("consent", cookie)
    html = bumped.get("/").get_data(as_text=True)
    assert BANNER in html and "<iframe" not in html
    assert 'name="revision" value="2"' in html


def test_tampered_or_garbage_cookie_means_undecided(app, client):
    decide(client, "reject_all")
    genuine = client.get_cookie("consent").value
    payload, _, signature = genuine.rpartition(".")
    for forged in (payload + ".AAAA" + signature, "x" * 3000, "{}", "not.a.cookie"):
        client.set_cookie("consent", forged)
        response = client.get("/")
        assert response.status_code == 200
        assert BANNER in response.get_data(as_text=True)


def test_gpc_refuses_analytics_and_says_so(analytics_app):
    client = analytics_app.test_client()
    gpc = {"Sec-GPC": "1"}
    html = client.get("/", headers=gpc).get_data(as_text=True)
    assert "Global Privacy Control" in html
    assert re.search(r'id="banner-category-analytics"[^>]*disabled', html)
    decide(client, "accept_all", headers=gpc)
    assert stored_choice(analytics_app, client)["analytics"] is False
    (record,) = _records(analytics_app)
    assert record.choices == {"analytics": False, "media": True, "gpc": True}
    assert ANALYTICS_URL not in client.get("/", headers=gpc).get_data(as_text=True)


def test_gpc_overrides_an_earlier_analytics_consent(analytics_app):
    client = analytics_app.test_client()
    decide(client, "accept_all")
    with_analytics = client.get("/")
    assert f'<script src="{ANALYTICS_URL}" defer>' in with_analytics.get_data(as_text=True)
    assert "script-src 'self' https://stats.example.org" in (
        with_analytics.headers["Content-Security-Policy"]
    )
    under_gpc = client.get("/", headers={"Sec-GPC": "1"})
    assert ANALYTICS_URL not in under_gpc.get_data(as_text=True)
    assert "stats.example.org" not in under_gpc.headers["Content-Security-Policy"]


def test_analytics_script_only_after_analytics_consent(analytics_app):
    client = analytics_app.test_client()
    assert ANALYTICS_URL not in client.get("/").get_data(as_text=True)
    decide(client, "custom", categories=["media"])
    assert ANALYTICS_URL not in client.get("/").get_data(as_text=True)
    decide(client, "custom", categories=["analytics"])
    assert ANALYTICS_URL in client.get("/").get_data(as_text=True)


def test_policy_lists_every_registered_cookie(app, client):
    from coaching.consent.registry import COOKIES

    html = client.get("/cookies").get_data(as_text=True)
    for cookie in COOKIES:
        assert f"<code>{cookie.label}</code>" in html
    assert "Global Privacy Control" in html
    assert f"{app.config['CONSENT_RECORD_RETENTION_DAYS']} days" in html
    assert 'action="/consent"' in html
    assert "Set-Cookie" not in client.get("/cookies").headers


def test_cookie_settings_link_in_footer(client):
    assert 'href="/consent"' in client.get("/privacy").get_data(as_text=True)


def test_origin_headers_allow_same_site(client):
    data = {"action": "reject_all", "next": "/"}
    by_referer = client.post("/consent", data=data, headers={"Referer": "http://localhost/x"})
    assert by_referer.status_code == 303
    by_fetch_metadata = client.post(
        "/consent", data=data, headers={**ORIGIN, "Sec-Fetch-Site": "same-origin"}
    )
    assert by_fetch_metadata.status_code == 303


def test_pages_vary_on_the_consent_inputs(client):
    vary = client.get("/").headers["Vary"]
    assert "Cookie" in vary and "Sec-GPC" in vary


def test_banner_return_path_is_always_local(client):
    html = client.get("/", environ_overrides={"PATH_INFO": "//evil.example/x"}).get_data(
        as_text=True
    )
    (value,) = re.findall(r'name="next" value="([^"]*)"', html)
    assert value.startswith("/") and not value.startswith("//")
    html = client.get("/privacy?a=1&b=%3Cx%3E").get_data(as_text=True)
    assert 'name="next" value="/privacy?a=1&amp;b=%3Cx%3E"' in html


def test_self_hosted_analytics_needs_no_csp_change(make_app):
    app = make_app(ANALYTICS_SCRIPT_URL="/static/js/site.js")
    client = app.test_client()
    decide(client, "accept_all")
    response = client.get("/")
    assert '<script src="/static/js/site.js" defer>' in response.get_data(as_text=True)
    assert "script-src 'self';" in response.headers["Content-Security-Policy"]


def test_user_agent_hash_is_peppered(make_app):
    from coaching.consent.services import hash_user_agent

    one, two = make_app(CONSENT_UA_PEPPER="a"), make_app(CONSENT_UA_PEPPER="b")
    with one.app_context():
        first = hash_user_agent("Mozilla/5.0")
    with two.app_context():
        second = hash_user_agent("Mozilla/5.0")
    assert first != second and len(first) == 64
