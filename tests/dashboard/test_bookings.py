"""The bookings list, one booking's page and its actions, and the CSV export."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from coaching.booking.models import Booking
from coaching.dashboard.booking_actions import safe_cell
from coaching.dashboard.models import AuditEvent
from coaching.mail.models import OutboxEmail


def _now():
    return datetime.now(UTC).replace(microsecond=0)


def test_list_filters_and_search(coach_client, booking_factory):
    booking_factory(_now() + timedelta(days=1), name="Ada Future", email="ada@example.org")
    booking_factory(_now() - timedelta(days=2), name="Bea Past", email="bea@example.org",
                    status="completed")
    booking_factory(_now() + timedelta(days=3), name="Cy Cancelled", email="cy@example.org",
                    status="cancelled")
    booking_factory(_now() - timedelta(days=4), name="Di Noshow", email="di@example.org",
                    status="no_show")

    def names(query):
        html = coach_client.get("/dashboard/bookings" + query).data.decode()
        return {n for n in ("Ada Future", "Bea Past", "Cy Cancelled", "Di Noshow") if n in html}

    assert names("") == {"Ada Future"}
    assert names("?show=past") == {"Bea Past", "Di Noshow"}
    assert names("?show=cancelled") == {"Cy Cancelled"}
    assert names("?show=no_show") == {"Di Noshow"}
    assert names("?show=all") == {"Ada Future", "Bea Past", "Cy Cancelled", "Di Noshow"}
    assert names("?show=all&q=BEA@") == {"Bea Past"}
    assert names("?show=all&q=%25") == set()  # a LIKE wildcard is searched literally
    assert names("?show=nonsense&q=" + "x" * 500) == set()


def test_list_htmx_returns_results_block_only(coach_client, booking_factory):
    booking_factory(name="Ada Future")
    response = coach_client.get("/dashboard/bookings?q=ada", headers={"HX-Request": "true"})
    html = response.data.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section class="dash-results"') and "Ada Future" in html
    assert "HX-Request" in response.headers["Vary"]


def test_pagination(coach_client, booking_factory):
    start = _now() + timedelta(days=1)
    for n in range(23):
        booking_factory(start + timedelta(hours=n), name=f"Visitor {n:02d}",
                        email=f"v{n}@example.org")
    first = coach_client.get("/dashboard/bookings").data.decode()
    assert "Visitor 00" in first and "Visitor 19" in first and "Visitor 20" not in first
    assert "Page 1 of 2" in first and "page=2" in first
    second = coach_client.get("/dashboard/bookings?page=2").data.decode()
    assert "Visitor 22" in second and "Visitor 00" not in second
    for odd in ("0", "-1", "abc", "99999999999", "3"):
        assert coach_client.get(f"/dashboard/bookings?page={odd}").status_code == 200


def test_booking_page_shows_details_and_shared_assessment(app, coach_client, booking_factory):
    from coaching.assessment.models import AssessmentResponse
    from coaching.extensions import db

    with app.app_context():
        result = AssessmentResponse(public_id="p" * 20, instrument_version="1",
                                    answers={"q1": 3}, scores={"calling": 4.2, "job": 1.5},
                                    orientation="calling")
        db.session.add(result)
        db.session.commit()
        result_id = result.id
    booking_id = booking_factory(message="I feel <stuck>", assessment_response_id=result_id,
                                 visitor_phone="+44 7700 900123")
    html = coach_client.get(f"/dashboard/bookings/{booking_id}").data.decode()
    assert "sam@example.org" in html and "+44 7700 900123" in html
    assert "I feel &lt;stuck&gt;" in html
    assert "Calling" in html and "4.2" in html
    assert "Central European" in html  # the visitor's own zone is named


def _token(client, booking_id):
    from tests.conftest import csrf_from

    return csrf_from(client.get(f"/dashboard/bookings/{booking_id}").data)


def test_cancel_with_reason_queues_visitor_email_and_audits(app, coach_client, booking_factory):
    booking_id = booking_factory()
    token = _token(coach_client, booking_id)
    response = coach_client.post(f"/dashboard/bookings/{booking_id}/cancel",
                                 data={"csrf_token": token, "reason": "I am unwell"})
    assert response.status_code == 303
    with app.app_context():
        from coaching.extensions import db

        booking = db.session.get(Booking, booking_id)
        assert booking.status == "cancelled" and booking.cancelled_by == "coach"
        email = OutboxEmail.query.filter_by(kind="booking_cancelled").one()
        assert email.recipient == "sam@example.org" and "I am unwell" in email.text_body
        assert AuditEvent.query.filter_by(action="booking.cancelled",
                                          booking_id=booking_id).count() == 1
    page = coach_client.get(f"/dashboard/bookings/{booking_id}").data.decode()
    assert "Cancelled the booking" in page and "I am unwell" in page
    again = coach_client.post(f"/dashboard/bookings/{booking_id}/cancel",
                              data={"csrf_token": token, "reason": "twice"})
    assert again.status_code == 409
    assert "cannot be cancelled" in again.data.decode()


@pytest.mark.parametrize(("reason", "message"), [
    ("", "Give a reason"), ("   ", "Give a reason"), ("x" * 1001, "under 1,000 characters")])
def test_cancel_needs_a_sensible_reason(app, coach_client, booking_factory, reason, message):
    booking_id = booking_factory()
    token = _token(coach_client, booking_id)
    response = coach_client.post(f"/dashboard/bookings/{booking_id}/cancel",
                                 data={"csrf_token": token, "reason": reason})
    assert response.status_code == 422
    assert message in response.data.decode()
    with app.app_context():
        assert OutboxEmail.query.count() == 0


def test_mark_only_after_start(app, coach_client, booking_factory):
    future = booking_factory(_now() + timedelta(days=1))
    token = _token(coach_client, future)
    early = coach_client.post(f"/dashboard/bookings/{future}/mark",
                              data={"csrf_token": token, "status": "no_show"})
    assert early.status_code == 409 and "once its time has started" in early.data.decode()
    past = booking_factory(_now() - timedelta(hours=1), name="Past Pat")
    done = coach_client.post(f"/dashboard/bookings/{past}/mark",
                             data={"csrf_token": token, "status": "no_show"})
    assert done.status_code == 303
    fixed = coach_client.post(f"/dashboard/bookings/{past}/mark",
                              data={"csrf_token": token, "status": "completed"})
    assert fixed.status_code == 303
    bad = coach_client.post(f"/dashboard/bookings/{past}/mark",
                            data={"csrf_token": token, "status": "cancelled"})
    assert bad.status_code == 422
    with app.app_context():
        actions = [e.action for e in AuditEvent.query.filter_by(booking_id=past)]
    assert actions == ["booking.mark_no_show", "booking.mark_completed"]
    html = coach_client.get(f"/dashboard/bookings/{past}").data.decode()
    assert "Marked as no-show" in html and "Marked as completed" in html


def test_notes_save_inline_and_plain(app, coach_client, booking_factory):
    booking_id = booking_factory()
    token = _token(coach_client, booking_id)
    url = f"/dashboard/bookings/{booking_id}/notes"
    htmx = coach_client.post(url, headers={"HX-Request": "true"},
                             data={"csrf_token": token, "coach_notes": "Wants a change"})
    assert htmx.status_code == 200
    assert "Saved." in htmx.data.decode() and "<html" not in htmx.data.decode()
    plain = coach_client.post(url, data={"csrf_token": token, "coach_notes": "Second"})
    assert plain.status_code == 303
    too_long = coach_client.post(url, headers={"HX-Request": "true"},
                                 data={"csrf_token": token, "coach_notes": "x" * 10001})
    assert too_long.status_code == 422 and "under 10,000" in too_long.data.decode()
    from coaching.extensions import db

    with app.app_context():
        assert db.session.get(Booking, booking_id).coach_notes == "Second"


def test_actions_need_csrf(coach_client, booking_factory):
    booking_id = booking_factory()
    response = coach_client.post(f"/dashboard/bookings/{booking_id}/cancel",
                                 data={"reason": "no token"})
    assert response.status_code == 400


def test_safe_cell_defuses_formulas():
    assert safe_cell("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    for prefix in "=+-@":
        assert safe_cell(prefix + "1").startswith("'")
    assert safe_cell("Normal") == "Normal"
    assert safe_cell(None) == ""
    assert safe_cell(42) == "42"


def test_csv_export(coach_client, booking_factory):
    when = datetime(2026, 3, 10, 10, 0, tzinfo=UTC)
    booking_factory(when, name="=cmd|' /C calc'!A0", email="x@example.org")
    booking_factory(when + timedelta(days=40), name="Outside Range")
    response = coach_client.get("/dashboard/bookings/export.csv?start=2026-03-01&end=2026-03-31")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(response.data.decode())))
    assert rows[0][0] == "id" and len(rows) == 2
    assert rows[1][5] == "'=cmd|' /C calc'!A0"
    assert rows[1][1] == "2026-03-10 10:00"


@pytest.mark.parametrize("query", [
    "start=2026-03-31&end=2026-03-01", "start=&end=2026-03-01", "start=nonsense&end=2026-03-01",
    "start=2020-01-01&end=2026-01-01"])
def test_csv_export_bad_range_is_422(coach_client, query):
    response = coach_client.get(f"/dashboard/bookings/export.csv?{query}")
    assert response.status_code == 422
    assert 'class="error-summary"' in response.data.decode()
