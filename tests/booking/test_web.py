"""The booking pages over HTTP: calendar, form, every bad input, manage page, API."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from coaching.assessment.models import AssessmentResponse
from coaching.booking.models import Booking
from coaching.extensions import db
from coaching.mail.models import OutboxEmail
from coaching.metrics import DailyCounter

from ..conftest import csrf_from
from .conftest import MONDAY_9, TOKEN_RE, booking_data, iso

pytestmark = pytest.mark.usefixtures("frozen", "coach")
HX = {"HX-Request": "true", "HX-Target": "div#booking-calendar"}


def _count(app, model=Booking):
    with app.app_context():
        return db.session.scalar(select(func.count(model.id)))


# A time no test books, so its form is always there to take a CSRF token from.
SPARE = MONDAY_9 + timedelta(days=1, hours=6)


def _form_token(client, start=SPARE, **params):
    response = client.get("/book", query_string={"start": iso(start), **params})
    assert response.status_code == 200
    return csrf_from(response.data)


def _book(client, start=MONDAY_9, **overrides):
    data = booking_data(overrides.pop("start", start), **overrides)
    data.setdefault("csrf_token", _form_token(client))
    return client.post("/book", data=data)


def _booked_token(client, start=MONDAY_9, **overrides):
    response = _book(client, start, **overrides)
    assert response.status_code == 303, response.data[-2000:]
    return TOKEN_RE.search(response.headers["Location"]).group(1)


def test_month_view_links_only_free_days(client, app):
    response = client.get("/book")
    html = response.data.decode()
    assert response.status_code == 200 and "November 2026" in html
    assert 'date=2026-11-23' in html  # Monday: free
    assert 'date=2026-11-21' not in html  # Saturday: plain text
    assert 'date=2026-11-20' not in html  # today: inside the 12 hours' notice
    assert "Saturday 21 November 2026: no free times" in html
    assert 'value="Europe/London" selected' in html
    assert "csrf_token" not in html and "Set-Cookie" not in response.headers
    with app.app_context():
        assert db.session.scalar(select(DailyCounter.count).where(
            DailyCounter.metric == "booking_page_view")) == 1


def test_day_without_js_and_with_htmx(client):
    full = client.get("/book?month=2026-11&date=2026-11-23&tz=Europe/London")
    assert b"<html" in full.data and b"Monday 23 November 2026" in full.data
    assert full.data.count(b"start=2026-11-23T") == 32
    fragment = client.get("/book?month=2026-11&date=2026-11-23&tz=Europe/London", headers=HX)
    assert fragment.status_code == 200 and b"<html" not in fragment.data
    assert b'id="day-title" data-focus-after-swap' in fragment.data
    assert b"09:00" in fragment.data and b"16:45" in fragment.data
    assert "HX-Request" in fragment.headers["Vary"]


def test_visitor_zone_changes_dates_and_times(client):
    auckland = client.get("/book?tz=Pacific/Auckland&date=2026-11-24").data.decode()
    assert "Tuesday 24 November 2026" in auckland
    times = re.findall(r">(\d\d:\d\d)</a>", auckland)
    assert times[0] == "00:00" and times[-1] == "23:45" and len(times) == 32
    la = client.get("/book?tz=America/Los_Angeles&date=2026-11-23").data.decode()
    assert re.findall(r">(\d\d:\d\d)</a>", la)[0] == "01:00"


@pytest.mark.parametrize("query", [
    "tz=Not/AZone", "tz=" + "x" * 500, "month=2026-13", "month=junk", "date=2026-02-31",
    "date=1999-01-01", "month=2999-01", "start=garbage", "start=2026-11-23T09:00:00",
    "start=2026-11-21T09:00:00Z", "result=nope", "date=2026-11-23&month=1999-01",
    "start=9999-12-31T23:59:59Z", "start=0001-01-01T00:00:00Z", "date=9999-12-31",
    "date=0001-01-01&tz=Pacific/Kiritimati", "start=2026-11-23T09:00:00%2B14:00",
])
def test_odd_query_strings_still_show_a_calendar(client, query):
    response = client.get("/book?" + query)
    assert response.status_code == 200
    assert b"booking-calendar" in response.data


def test_gone_slot_in_link_says_so(client):
    _booked_token(client)
    response = client.get("/book", query_string={"start": iso(MONDAY_9)})
    assert b"no longer available" in response.data


def test_details_form_fields(client):
    html = client.get("/book", query_string={"start": iso(MONDAY_9),
                                             "tz": "America/New_York"}).data.decode()
    for name in ("name", "email", "phone", "message", "tz", "agree", "website", "csrf_token"):
        assert f'name="{name}"' in html
    assert 'name="share_assessment"' not in html
    assert "Monday 23 November 2026 at 04:00" in html  # New York
    assert "Monday 23 November 2026 at 09:00" in html  # the coach, London
    assert 'href="/privacy"' in html


def test_whole_flow_books_and_queues_mail(client, app):
    response = _book(client)
    assert response.status_code == 303
    token = TOKEN_RE.search(response.headers["Location"]).group(1)
    with app.app_context():
        booking = db.session.scalar(select(Booking))
        assert booking.start_at == MONDAY_9 and booking.visitor_name == "Ada Lovelace"
        assert booking.manage_token_hash != token and booking.assessment_response_id is None
        assert sorted(db.session.scalars(select(OutboxEmail.kind))) == [
            "booking_confirmed", "coach_new_booking"]
    page = client.get(response.headers["Location"])
    assert page.status_code == 200 and b"Your call is booked" in page.data
    assert page.headers["Cache-Control"] == "no-store"


def test_htmx_post_gets_the_same_answers(client, app):
    token = _form_token(client)
    bad = client.post("/book", data=booking_data(name="", csrf_token=token), headers=HX)
    assert bad.status_code == 422 and b"<html" not in bad.data and b"Enter your name" in bad.data
    good = client.post("/book", data=booking_data(csrf_token=token), headers=HX)
    assert good.status_code == 303 and "/bookings/" in good.headers["Location"]


@pytest.fixture
def assessment(app):
    with app.app_context():
        row = AssessmentResponse(public_id="r" * 43, instrument_version="1", answers={},
                                 scores={}, orientation="career")
        db.session.add(row)
        db.session.commit()
        return row.public_id


@pytest.mark.parametrize("share", [True, False])
def test_assessment_is_linked_only_when_ticked(client, app, assessment, share):
    html = client.get("/book", query_string={"start": iso(MONDAY_9), "result": assessment}
                      ).data.decode()
    assert 'name="share_assessment"' in html and f'value="{assessment}"' in html
    extra = {"assessment": assessment}
    if share:
        extra["share_assessment"] = "y"
    response = client.post("/book", data=booking_data(csrf_token=csrf_from(html), **extra))
    assert response.status_code == 303
    with app.app_context():
        booking = db.session.scalar(select(Booking))
        assert (booking.assessment_response_id is not None) is share


BAD_INPUTS = {
    "past slot": dict(start="2026-11-19T09:00:00Z"),
    "unoffered (Saturday)": dict(start="2026-11-21T10:00:00Z"),
    "wrong step": dict(start="2026-11-23T09:07:00Z"),
    "inside notice": dict(start="2026-11-20T16:00:00Z"),
    "past horizon": dict(start="2027-02-01T09:00:00Z"),
    "invalid zone": dict(tz="Mars/Olympus"),
    "empty zone": dict(tz=""),
    "forged start text": dict(start="tomorrow at nine"),
    "naive start": dict(start="2026-11-23T09:00:00"),
    "start out of range": dict(start="99999-11-23T09:00:00Z"),
    "start at the end of time": dict(start="9999-12-31T23:59:59Z"),
    "start at the beginning of time": dict(start="0001-01-01T00:00:00Z"),
    "missing start": dict(start=None),
    "name too long": dict(name="A" * 121),
    "name with newline": dict(name="Ada\r\nBcc: x@example.com"),
    "missing name": dict(name=""),
    "email too long": dict(email="a" * 250 + "@example.com"),
    "invalid email": dict(email="not-an-email"),
    "email with spaces": dict(email="ada @example.com"),
    "phone too long": dict(phone="1" * 41),
    "phone letters": dict(phone="call me maybe"),
    "message too long": dict(message="x" * 2001),
    "no agreement": dict(agree=None),
}


@pytest.mark.parametrize("overrides", BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_bad_input_is_422_and_stores_nothing(client, app, overrides):
    response = _book(client, **overrides)
    assert response.status_code == 422, response.status_code
    html = response.data.decode()
    assert "There is a problem" in html or "notice--error" in html
    assert 'name="csrf_token"' in html
    assert _count(app) == 0 and _count(app, OutboxEmail) == 0


def test_missing_or_wrong_csrf_is_refused(client, app):
    data = booking_data()
    assert client.post("/book", data=data).status_code == 400
    assert client.post("/book", data={**data, "csrf_token": "forged"}).status_code == 400
    assert _count(app) == 0


def test_taken_slot_is_409_with_alternatives(client, app):
    _booked_token(client)
    for start in (MONDAY_9, MONDAY_9 + timedelta(minutes=15)):
        response = _book(client, start, email="bob@example.com")
        assert response.status_code == 409
        html = response.data.decode()
        assert "no longer free" in html and 'type="radio" name="start"' in html
        assert 'value="Bob' not in html and 'value="bob@example.com"' in html  # kept
    assert _count(app) == 1 and _count(app, OutboxEmail) == 2


def test_daily_cap_is_409(client, app):
    for i in range(8):
        _booked_token(client, MONDAY_9 + timedelta(minutes=30 * i), email=f"p{i}@example.com")
    response = _book(client, MONDAY_9 + timedelta(hours=6), email="late@example.com")
    assert response.status_code == 409


def test_honeypot_pretends_success_and_stores_nothing(client, app):
    response = _book(client, website="http://spam.example")
    assert response.status_code == 303 and response.headers["Location"] == "/book"
    assert _count(app) == 0 and _count(app, OutboxEmail) == 0


def test_rate_limit_per_email(make_app):
    app = make_app(RATELIMIT_ENABLED=True, BOOKING_LIMIT_PER_EMAIL="2 per hour",
                   BOOKING_LIMIT_PER_IP="50 per hour")
    client = app.test_client()
    token = _form_token(client)
    codes = [client.post("/book", data=booking_data(name="", csrf_token=token)).status_code
             for _ in range(3)]
    assert codes == [422, 422, 429]
    other = client.post("/book", data=booking_data(name="", email="x@example.com",
                                                    csrf_token=token))
    assert other.status_code == 422


def test_rate_limit_per_ip(make_app):
    app = make_app(RATELIMIT_ENABLED=True, BOOKING_LIMIT_PER_IP="3 per hour")
    client = app.test_client()
    token = _form_token(client)
    codes = [client.post("/book", data=booking_data(name="", email=f"e{i}@example.com",
                                                    csrf_token=token)).status_code
             for i in range(4)]
    assert codes == [422, 422, 422, 429]
    assert client.get("/book").status_code == 200  # reading is never limited


def test_manage_page_in_both_zones(client):
    token = _booked_token(client, tz="Pacific/Auckland")
    html = client.get(f"/bookings/{token}").data.decode()
    assert "Monday 23 November 2026 at 22:00" in html  # Auckland
    assert "Monday 23 November 2026 at 09:00" in html  # the coach
    assert f"/bookings/{token}/cancel" in html and f"/bookings/{token}/reschedule" in html
    assert "csrf_token" not in html


@pytest.mark.parametrize("path", ["/bookings/unknown", "/bookings/" + "x" * 300,
                                  "/bookings/unknown/cancel", "/bookings/unknown/reschedule"])
def test_unknown_token_is_404(client, path):
    assert client.get(path).status_code == 404


def test_anonymised_booking_token_is_404(client, app):
    token = _booked_token(client)
    with app.app_context():
        booking = db.session.scalar(select(Booking))
        booking.anonymised_at = booking.created_at
        db.session.commit()
    assert client.get(f"/bookings/{token}").status_code == 404


def test_cancel_needs_a_confirmed_post(client, app):
    token = _booked_token(client)
    confirm = client.get(f"/bookings/{token}/cancel")
    assert confirm.status_code == 200 and b"Cancel your call?" in confirm.data
    with app.app_context():
        assert db.session.scalar(select(Booking.status)) == "confirmed"  # GET changed nothing
    assert client.post(f"/bookings/{token}/cancel", data={"reason": "x"}).status_code == 400
    response = client.post(f"/bookings/{token}/cancel",
                           data={"csrf_token": csrf_from(confirm.data), "reason": "Found work"})
    assert response.status_code == 303
    page = client.get(f"/bookings/{token}").data.decode()
    assert "This call is cancelled" in page and "Book a new time" in page
    with app.app_context():
        assert db.session.scalar(select(Booking.status)) == "cancelled"
        assert "booking_cancelled" in db.session.scalars(select(OutboxEmail.kind)).all()
        assert db.session.scalar(select(DailyCounter.count).where(
            DailyCounter.metric == "booking_cancelled")) == 1
    again = client.post(f"/bookings/{token}/cancel",
                        data={"csrf_token": csrf_from(confirm.data)})
    assert again.status_code == 409
    assert client.get(f"/bookings/{token}/cancel").status_code == 409
    assert _book(client, email="bob@example.com").status_code == 303  # the slot is free again


def test_reschedule_flow(client, app):
    token = _booked_token(client)
    calendar = client.get(f"/bookings/{token}/reschedule?date=2026-11-23")
    assert calendar.status_code == 200 and b"Choose a new time" in calendar.data
    new_start = MONDAY_9 + timedelta(minutes=15)
    assert f"start={iso(new_start)}".encode() in calendar.data
    confirm = client.get(f"/bookings/{token}/reschedule", query_string={"start": iso(new_start)})
    assert confirm.status_code == 200 and b"Confirm the new time" in confirm.data
    with app.app_context():
        assert db.session.scalar(select(Booking.start_at)) == MONDAY_9
    response = client.post(f"/bookings/{token}/reschedule",
                           data={"csrf_token": csrf_from(confirm.data), "start": iso(new_start)})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.scalar(select(Booking.start_at)) == new_start
        assert "booking_rescheduled" in db.session.scalars(select(OutboxEmail.kind)).all()
    assert b"moved to the new time" in client.get(response.headers["Location"]).data


def test_reschedule_to_a_taken_or_bad_time(client, app):
    token = _booked_token(client)
    _booked_token(client, MONDAY_9 + timedelta(hours=1), email="bob@example.com")
    csrf = csrf_from(client.get(f"/bookings/{token}/cancel").data)
    taken = client.post(f"/bookings/{token}/reschedule",
                        data={"csrf_token": csrf, "start": iso(MONDAY_9 + timedelta(hours=1))})
    assert taken.status_code == 409 and b'type="radio" name="start"' in taken.data
    for bad in ("garbage", iso(MONDAY_9 + timedelta(minutes=7)), iso(MONDAY_9)):
        response = client.post(f"/bookings/{token}/reschedule",
                               data={"csrf_token": csrf, "start": bad})
        assert response.status_code == 422, bad
    with app.app_context():
        assert db.session.scalar(select(Booking.start_at).order_by(Booking.id)) == MONDAY_9


def test_actions_on_past_bookings_are_409(client):
    token = _booked_token(client)
    with time_machine.travel(MONDAY_9 + timedelta(hours=1), tick=False):
        csrf = _form_token(client)
        assert b"already taken place" in client.get(f"/bookings/{token}").data
        assert client.post(f"/bookings/{token}/cancel",
                           data={"csrf_token": csrf}).status_code == 409
        assert client.post(f"/bookings/{token}/reschedule",
                           data={"csrf_token": csrf,
                                 "start": iso(MONDAY_9 + timedelta(days=1))}).status_code == 409


def test_slots_api(client):
    response = client.get("/api/v1/slots?start=2026-11-24&end=2026-11-24&tz=Pacific/Auckland")
    assert response.status_code == 200
    body = response.get_json()
    assert body["timezone"] == "Pacific/Auckland" and len(body["slots"]) == 32
    first = body["slots"][0]
    assert first == {"start": "2026-11-23T11:00:00Z", "end": "2026-11-23T11:15:00Z",
                     "local": "2026-11-24T00:00:00+13:00"}


@pytest.mark.parametrize("query", [
    "", "start=2026-11-23&tz=Europe/London", "start=2026-11-23&end=2026-11-22&tz=UTC",
    "start=2026-11-01&end=2027-01-05&tz=UTC", "start=2026-11-23&end=2026-11-24&tz=Nowhere",
    "start=23/11/2026&end=2026-11-24&tz=UTC", "start=2026-02-30&end=2026-03-01&tz=UTC",
    "start=2026-11-23&end=2026-11-24",
    "start=9999-12-30&end=9999-12-31&tz=Pacific/Kiritimati",
    "start=0001-01-01&end=0001-01-02&tz=Pacific/Kiritimati",
])
def test_slots_api_bad_params_are_400_json(client, query):
    response = client.get("/api/v1/slots?" + query)
    assert response.status_code == 400
    assert response.get_json()["error"]["status"] == 400
