"""Weekly hours, date overrides, time off and booking rules: validation and audit."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select

from coaching.booking.models import Coach, DateOverride, WeeklyHours
from coaching.dashboard.models import AuditEvent
from coaching.dashboard.schedule import ranges_overlap

PAGE = "/dashboard/availability"


def _future(days: int) -> str:
    return (datetime.now(UTC).date() + timedelta(days=days)).isoformat()


def _hours(app, weekday):
    from coaching.extensions import db

    with app.app_context():
        return [(h.start, h.end) for h in db.session.scalars(
            select(WeeklyHours).where(WeeklyHours.weekday == weekday)
            .order_by(WeeklyHours.start))]


def _audits(app, action):
    with app.app_context():
        return AuditEvent.query.filter_by(action=action).all()


@pytest.mark.parametrize(("a", "b", "expected"), [
    ((time(9), time(12)), (time(12), time(13)), False),
    ((time(9), time(12)), (time(11), time(13)), True),
    ((time(9), time(17)), (time(10), time(11)), True),
    ((time(13), time(14)), (time(9), time(13)), False),
])
def test_ranges_overlap_is_half_open(a, b, expected):
    assert ranges_overlap(a, b) is expected
    assert ranges_overlap(b, a) is expected


def test_add_and_remove_weekly_hours(app, coach_client, page_token):
    token = page_token(PAGE)
    response = coach_client.post(f"{PAGE}/hours", data={
        "csrf_token": token, "weekday": "5", "start": "10:00", "end": "12:30"})
    assert response.status_code == 303
    assert _hours(app, 5) == [(time(10), time(12, 30))]
    assert len(_audits(app, "hours.add")) == 1
    html = coach_client.get(PAGE).data.decode()
    assert "10:00–12:30" in html
    with app.app_context():
        hours_id = WeeklyHours.query.filter_by(weekday=5).one().id
    removed = coach_client.post(f"{PAGE}/hours/{hours_id}/delete", data={"csrf_token": token})
    assert removed.status_code == 303
    assert _hours(app, 5) == []
    assert len(_audits(app, "hours.remove")) == 1
    again = coach_client.post(f"{PAGE}/hours/{hours_id}/delete", data={"csrf_token": token})
    assert again.status_code == 404


def test_htmx_add_returns_the_weekly_block(app, coach_client, page_token):
    token = page_token(PAGE)
    response = coach_client.post(f"{PAGE}/hours", headers={"HX-Request": "true"}, data={
        "csrf_token": token, "weekday": "6", "start": "08:00", "end": "09:00"})
    assert response.status_code == 200
    html = response.data.decode()
    assert html.lstrip().startswith('<section class="dash-section dash-weekly"')
    assert "08:00–09:00" in html and "<html" not in html
    bad = coach_client.post(f"{PAGE}/hours", headers={"HX-Request": "true"}, data={
        "csrf_token": token, "weekday": "6", "start": "08:30", "end": "10:00"})
    assert bad.status_code == 422
    assert "overlaps 08:00–09:00" in bad.data.decode()
    assert "<html" not in bad.data.decode()


@pytest.mark.parametrize(("data", "message"), [
    ({"weekday": "0", "start": "12:00", "end": "11:00"}, "end time must be after the start"),
    ({"weekday": "0", "start": "12:00", "end": "12:00"}, "end time must be after the start"),
    ({"weekday": "0", "start": "16:00", "end": "18:00"}, "overlaps 09:00–17:00"),
    ({"weekday": "0", "start": "", "end": "18:00"}, "Enter a start time"),
    ({"weekday": "0", "start": "25:00", "end": "26:00"}, "Not a valid time"),
    ({"weekday": "9", "start": "10:00", "end": "11:00"}, "Not a valid choice"),
    ({"weekday": "x", "start": "10:00", "end": "11:00"}, "Invalid Choice"),
])
def test_bad_weekly_hours_are_422_with_a_message(app, coach_client, page_token, data, message):
    token = page_token(PAGE)
    response = coach_client.post(f"{PAGE}/hours", data={"csrf_token": token, **data})
    assert response.status_code == 422
    assert message.lower() in response.data.decode().lower()
    assert _hours(app, 0) == [(time(9), time(17))]


def test_time_off_closes_each_day_once(app, coach_client, page_token):
    token = page_token(PAGE)
    response = coach_client.post(f"{PAGE}/time-off", data={
        "csrf_token": token, "first": _future(10), "last": _future(14), "note": "Holiday"})
    assert response.status_code == 303
    overlapping = coach_client.post(f"{PAGE}/time-off", data={
        "csrf_token": token, "first": _future(13), "last": _future(15)})
    assert overlapping.status_code == 303
    with app.app_context():
        rows = DateOverride.query.filter_by(kind="closed").order_by(DateOverride.date).all()
    assert [r.date.isoformat() for r in rows] == [_future(d) for d in range(10, 16)]
    assert len(_audits(app, "time_off.add")) == 2
    assert "Holiday" in coach_client.get(PAGE).data.decode()


@pytest.mark.parametrize(("data", "message"), [
    ({"first": _future(5), "last": _future(4)}, "on or after the first day"),
    ({"first": _future(-3), "last": _future(4)}, "today or later"),
    ({"first": _future(1), "last": _future(500)}, "at most a year"),
    ({"first": "", "last": _future(4)}, "Enter the first day off"),
    ({"first": "not-a-date", "last": _future(4)}, "Not a valid date"),
])
def test_bad_time_off_is_422(app, coach_client, page_token, data, message):
    token = page_token(PAGE)
    response = coach_client.post(f"{PAGE}/time-off", data={"csrf_token": token, **data})
    assert response.status_code == 422
    assert message in response.data.decode()
    assert 'class="error-summary"' in response.data.decode()
    with app.app_context():
        assert DateOverride.query.count() == 0


def test_overrides_extra_hours_and_closed(app, coach_client, page_token):
    token = page_token(PAGE)
    day = _future(20)
    post = lambda **d: coach_client.post(f"{PAGE}/overrides", data={"csrf_token": token, **d})  # noqa: E731
    assert post(date=day, kind="extra", start="18:00", end="19:00").status_code == 303
    overlap = post(date=day, kind="extra", start="18:30", end="20:00")
    assert overlap.status_code == 422 and "overlaps 18:00–19:00" in overlap.data.decode()
    assert post(date=day, kind="closed").status_code == 303
    again = post(date=day, kind="closed")
    assert again.status_code == 422 and "already closed" in again.data.decode()
    hours = post(date=day, kind="hours", start="10:00", end="11:00")
    assert hours.status_code == 422 and "Remove the closure first" in hours.data.decode()
    with app.app_context():
        override = DateOverride.query.filter_by(kind="closed").one()
    assert coach_client.post(f"{PAGE}/overrides/{override.id}/delete",
                             data={"csrf_token": token}).status_code == 303
    assert post(date=day, kind="hours", start="10:00", end="11:00").status_code == 303
    assert len(_audits(app, "override.add")) == 3
    assert len(_audits(app, "override.remove")) == 1


@pytest.mark.parametrize(("data", "message"), [
    ({"date": _future(3), "kind": "hours", "start": "", "end": ""}, "Enter a start time"),
    ({"date": _future(3), "kind": "extra", "start": "14:00", "end": "13:00"}, "must be after"),
    ({"date": _future(-1), "kind": "closed"}, "today or a later date"),
    ({"date": _future(3), "kind": "sometimes"}, "Not a valid choice"),
    ({"date": "", "kind": "closed"}, "Enter a date"),
])
def test_bad_overrides_are_422(app, coach_client, page_token, data, message):
    token = page_token(PAGE)
    response = coach_client.post(f"{PAGE}/overrides", data={"csrf_token": token, **data})
    assert response.status_code == 422
    assert message in response.data.decode()


RULES = {"slot_step_minutes": "30", "buffer_before_minutes": "10", "buffer_after_minutes": "0",
         "min_notice_hours": "24", "no_same_day": "y", "horizon_days": "30", "max_per_day": "4",
         "timezone": "America/New_York", "meeting_url": "https://meet.example.org/abc",
         "meeting_details": "Video call"}


def test_rules_save_and_audit(app, coach_client, page_token, coach):
    token = page_token(PAGE)
    response = coach_client.post(f"{PAGE}/rules", data={"csrf_token": token, **RULES})
    assert response.status_code == 303
    from coaching.extensions import db

    with app.app_context():
        saved = db.session.get(Coach, coach)
        assert (saved.slot_step_minutes, saved.buffer_before_minutes, saved.no_same_day,
                saved.timezone, saved.max_per_day) == (30, 10, True, "America/New_York", 4)
        event = AuditEvent.query.filter_by(action="rules.update").one()
        assert event.detail["changed"]["slot_step_minutes"] == [15, 30]


@pytest.mark.parametrize(("field", "value", "message"), [
    ("slot_step_minutes", "0", "from 5 to 240"),
    ("buffer_before_minutes", "-1", "from 0 to 240"),
    ("min_notice_hours", "99999", "from 0 to 2160"),
    ("horizon_days", "0", "from 1 to 365"),
    ("max_per_day", "1000", "from 1 to 100"),
    ("max_per_day", "lots", "Not a valid integer"),
    ("timezone", "Mars/Olympus", "Not a valid choice"),
    ("meeting_url", "javascript:alert(1)", "starting with https://"),
    ("meeting_details", "", "Describe how the call happens"),
])
def test_bad_rules_are_422_never_500(app, coach_client, page_token, coach, field, value, message):
    token = page_token(PAGE)
    response = coach_client.post(f"{PAGE}/rules",
                                 data={"csrf_token": token, **RULES, field: value})
    assert response.status_code == 422
    assert message in response.data.decode()
    from coaching.extensions import db

    with app.app_context():
        assert db.session.get(Coach, coach).slot_step_minutes == 15


def test_preview_placeholder_is_marked(coach_client):
    html = coach_client.get(PAGE).data.decode()
    assert "Next week&#39;s slots" in html or "Next week's slots" in html


