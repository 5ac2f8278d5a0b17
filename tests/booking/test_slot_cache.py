"""The per-process slot memo (equal to a fresh computation, never stale) and booking without
a read transaction first."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from coaching.booking import availability, services, slotcache
from coaching.booking.availability import Busy, Hours, Rules
from coaching.booking.models import Coach, DateOverride, WeeklyHours
from coaching.extensions import db

from .conftest import FROZEN, MONDAY_9, booking_data

LONDON = ZoneInfo("Europe/London")


def _fresh(coach: Coach, start_date: date, end_date: date, zone_name: str, now: datetime):
    """The slots computed without the memo, straight from the pure function."""
    begin, finish = availability.local_day_bounds(start_date, end_date, ZoneInfo(zone_name))
    busy = services._busy(coach.id, begin - timedelta(days=2), finish + timedelta(days=2))
    return availability.free_slots(services.rules_for(coach), coach.weekly_hours,
                                   coach.overrides, busy, now, begin, finish)


def _check(coach_id: int, now: datetime = FROZEN, zone_name: str = "Europe/London"):
    coach = db.session.get(Coach, coach_id)
    first, last = date(2026, 11, 20), date(2026, 12, 20)
    cached = services.free_slots(coach, first, last, zone_name, now)
    assert cached == _fresh(coach, first, last, zone_name, now)
    return cached


def test_every_change_of_input_is_seen_at_once(db_session, coach):
    slotcache.clear()
    before = _check(coach)
    assert MONDAY_9 in [s.start for s in before]
    assert _check(coach) == before  # served from the memo, still equal

    booking, _ = services.book(db.session.get(Coach, coach), MONDAY_9, name="Ada",
                               email="ada@example.com", tz="Europe/London", now=FROZEN)
    after_booking = _check(coach)
    assert MONDAY_9 not in [s.start for s in after_booking]

    services.cancel(booking, "visitor", now=FROZEN)
    assert _check(coach) == before

    demo = db.session.get(Coach, coach)
    demo.overrides.append(DateOverride(date=date(2026, 11, 23), kind="closed"))
    db.session.commit()
    assert not [s for s in _check(coach) if s.start.astimezone(LONDON).date()
                == date(2026, 11, 23)]

    demo = db.session.get(Coach, coach)
    demo.weekly_hours.append(WeeklyHours(weekday=5, start=time(10), end=time(11)))
    db.session.commit()
    assert [s for s in _check(coach) if s.start.astimezone(LONDON).weekday() == 5]

    demo = db.session.get(Coach, coach)
    demo.min_notice_hours, demo.max_per_day, demo.slot_step_minutes = 100, 3, 30
    db.session.commit()
    changed = _check(coach)
    assert changed[0].start >= FROZEN + timedelta(hours=100)


def test_the_memo_follows_the_clock_and_the_visitor_zone(db_session, coach):
    slotcache.clear()
    for minutes in range(0, 60 * 30, 37):  # across midnight, not on the slot grid
        _check(coach, FROZEN + timedelta(minutes=minutes, seconds=minutes % 7))
    for zone_name in ("Pacific/Auckland", "America/Los_Angeles", "UTC"):
        _check(coach, FROZEN, zone_name)


@pytest.mark.parametrize("zone_name", ["Europe/London", "America/New_York"])
def test_memo_equals_fresh_maths_through_clock_changes(zone_name):
    rules = Rules(timezone=zone_name, buffer_before_minutes=5, buffer_after_minutes=5,
                  min_notice_hours=7, max_per_day=6, horizon_days=30)
    weekly = [Hours(d, time(0, 30), time(3)) for d in range(7)] + [Hours(2, time(9), time(17))]
    zone = ZoneInfo(zone_name)
    start = datetime(2026, 10, 20, tzinfo=zone).astimezone(UTC)
    end = start + timedelta(days=20)
    busy = [Busy(t, t - timedelta(minutes=5), t + timedelta(minutes=20))
            for t in (datetime(2026, 11, 1, 6, 15, tzinfo=UTC),
                      datetime(2026, 10, 25, 1, 0, tzinfo=UTC))]
    slotcache.clear()
    for hours in range(0, 24 * 16, 5):
        now = datetime(2026, 10, 20, 3, 7, 11, tzinfo=UTC) + timedelta(hours=hours)
        entry, index = slotcache.lookup(rules, weekly, [], busy, now, start, end)
        assert entry.slots[index:] == availability.free_slots(rules, weekly, [], busy, now,
                                                              start, end)


def test_api_body_is_what_jsonify_wrote(db_session, coach):
    slotcache.clear()
    demo = db.session.get(Coach, coach)
    zone = ZoneInfo("Pacific/Auckland")
    body = services.free_slots_json(demo, date(2026, 11, 20), date(2026, 12, 5),
                                    "Pacific/Auckland", FROZEN)
    slots = _fresh(demo, date(2026, 11, 20), date(2026, 12, 5), "Pacific/Auckland", FROZEN)
    expected = {"timezone": "Pacific/Auckland", "slots": [
        {"start": s.start.strftime("%Y-%m-%dT%H:%M:%SZ"),
         "end": s.end.strftime("%Y-%m-%dT%H:%M:%SZ"),
         "local": s.start.astimezone(zone).isoformat()} for s in slots]}
    assert json.loads(body) == expected
    assert body == json.dumps(expected, sort_keys=True, separators=(",", ":")) + "\n"


def test_day_fragment_is_rendered_afresh_after_a_booking(app, client, coach, frozen):
    slotcache.clear()
    hx = {"HX-Request": "true"}
    url = "/book?date=2026-11-23&tz=Europe/London"
    first = client.get(url, headers=hx).get_data(as_text=True)
    assert ">09:00<" in first and "<html" not in first
    assert client.get(url, headers=hx).get_data(as_text=True) == first  # from the memo
    with app.app_context():
        services.book(db.session.get(Coach, coach), MONDAY_9, name="Ada",
                      email="ada@example.com", tz="Europe/London")
    after = client.get(url, headers=hx).get_data(as_text=True)
    assert ">09:00<" not in after and ">09:30<" in after
    slotcache.clear()
    assert client.get(url, headers=hx).get_data(as_text=True) == after  # same as fresh
    other_zone = client.get("/book?date=2026-11-23&tz=America/New_York", headers=hx)
    assert ">04:30<" in other_zone.get_data(as_text=True)


def test_booking_form_without_a_coach_is_404_and_books_nothing(make_app, frozen):
    app = make_app(WTF_CSRF_ENABLED=False)
    response = app.test_client().post("/book", data=booking_data())
    assert response.status_code == 404
    with app.app_context(), pytest.raises(services.NoCoach):
        services.book(None, MONDAY_9, name="Ada", email="ada@example.com", tz="Europe/London",
                      now=FROZEN)
