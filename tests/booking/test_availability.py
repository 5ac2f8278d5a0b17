"""Slot maths: explicit cases, daylight-saving days and visitors far away."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from coaching.booking.availability import (
    Busy,
    DateChange,
    Hours,
    Rules,
    Slot,
    free_slots,
    group_by_local_date,
    local_day_bounds,
    nearest,
    why_not_offered,
)

LONDON = "Europe/London"
NEW_YORK = "America/New_York"
WEEKDAYS_9_TO_5 = [Hours(d, time(9), time(17)) for d in range(5)]
ALL_WEEK_NIGHT = [Hours(d, time(0), time(4)) for d in range(7)]


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def day_slots(rules, weekly, day, overrides=(), busy=(), now=None):
    zone = ZoneInfo(rules.timezone)
    begin, finish = local_day_bounds(day, day, zone)
    now = now or begin - timedelta(days=1)
    return free_slots(rules, weekly, list(overrides), list(busy), now, begin, finish)


def local_times(slots, zone_name):
    zone = ZoneInfo(zone_name)
    return [s.start.astimezone(zone).strftime("%H:%M%z") for s in slots]


def test_demo_rules_give_32_quarter_hours_on_a_weekday():
    rules = Rules(timezone=LONDON, slot_minutes=15, step_minutes=15)
    slots = day_slots(rules, WEEKDAYS_9_TO_5, date(2026, 11, 23))
    assert len(slots) == 32
    assert slots[0] == Slot(utc(2026, 11, 23, 9), utc(2026, 11, 23, 9, 15))
    assert slots[-1].end == utc(2026, 11, 23, 17)
    assert day_slots(rules, WEEKDAYS_9_TO_5, date(2026, 11, 22)) == []  # Sunday


def test_buffers_keep_neighbours_free_of_each_others_blocks():
    rules = Rules(timezone=LONDON, buffer_before_minutes=5, buffer_after_minutes=5)
    booked = Busy(utc(2026, 11, 23, 10), utc(2026, 11, 23, 9, 55), utc(2026, 11, 23, 10, 20))
    starts = {s.start for s in day_slots(rules, WEEKDAYS_9_TO_5, date(2026, 11, 23),
                                         busy=[booked])}
    # 09:45 would block 09:40-10:05 and 10:15 would block 10:10-10:35: both touch the booking.
    assert utc(2026, 11, 23, 9, 30) in starts
    assert {utc(2026, 11, 23, 9, 45), utc(2026, 11, 23, 10), utc(2026, 11, 23, 10, 15)} & starts \
        == set()
    assert utc(2026, 11, 23, 10, 30) in starts


def test_touching_blocks_are_not_overlaps():
    rules = Rules(timezone=LONDON)
    booked = Busy(utc(2026, 11, 23, 10), utc(2026, 11, 23, 10), utc(2026, 11, 23, 10, 15))
    starts = {s.start for s in day_slots(rules, WEEKDAYS_9_TO_5, date(2026, 11, 23),
                                         busy=[booked])}
    assert utc(2026, 11, 23, 9, 45) in starts and utc(2026, 11, 23, 10, 15) in starts
    assert utc(2026, 11, 23, 10) not in starts


def test_step_longer_than_slot_and_slot_longer_than_step():
    rules = Rules(timezone=LONDON, slot_minutes=45, step_minutes=60)
    slots = day_slots(rules, [Hours(0, time(9), time(12))], date(2026, 11, 23))
    assert [s.start.hour for s in slots] == [9, 10, 11]
    rules = Rules(timezone=LONDON, slot_minutes=60, step_minutes=30)
    slots = day_slots(rules, [Hours(0, time(9), time(11))], date(2026, 11, 23))
    assert local_times(slots, LONDON) == ["09:00+0000", "09:30+0000", "10:00+0000"]


def test_notice_same_day_and_horizon():
    rules = Rules(timezone=LONDON, min_notice_hours=12, horizon_days=3)
    now = utc(2026, 11, 23, 8)  # Monday
    slots = free_slots(rules, WEEKDAYS_9_TO_5, [], [], now, now, now + timedelta(days=30))
    assert slots[0].start == utc(2026, 11, 24, 9)  # Monday 20:00 would be notice but is closed
    assert min(s.start for s in slots) >= now + timedelta(hours=12)
    assert max(s.start for s in slots).date() == date(2026, 11, 26)  # today + 3 days
    rules = Rules(timezone=LONDON, min_notice_hours=0, no_same_day=True)
    slots = free_slots(rules, WEEKDAYS_9_TO_5, [], [], now, now, now + timedelta(days=2))
    assert slots[0].start == utc(2026, 11, 24, 9)


def test_daily_cap_counts_bookings_by_coach_local_day():
    rules = Rules(timezone=LONDON, max_per_day=2)
    day = date(2026, 11, 23)
    one = Busy(utc(2026, 11, 23, 9), utc(2026, 11, 23, 9), utc(2026, 11, 23, 9, 15))
    two = Busy(utc(2026, 11, 23, 12), utc(2026, 11, 23, 12), utc(2026, 11, 23, 12, 15))
    assert len(day_slots(rules, WEEKDAYS_9_TO_5, day, busy=[one])) == 31
    assert day_slots(rules, WEEKDAYS_9_TO_5, day, busy=[one, two]) == []
    assert len(day_slots(rules, WEEKDAYS_9_TO_5, day + timedelta(days=1),
                         busy=[one, two])) == 32


def test_overrides_closed_hours_and_extra():
    rules = Rules(timezone=LONDON, slot_minutes=60, step_minutes=60)
    monday = date(2026, 11, 23)
    closed = [DateChange(monday, "closed")]
    assert day_slots(rules, WEEKDAYS_9_TO_5, monday, closed) == []
    hours = [DateChange(monday, "hours", time(13), time(15))]
    assert local_times(day_slots(rules, WEEKDAYS_9_TO_5, monday, hours), LONDON) == [
        "13:00+0000", "14:00+0000"]
    extra = [DateChange(monday, "extra", time(18), time(19))]
    assert len(day_slots(rules, WEEKDAYS_9_TO_5, monday, extra)) == 9
    closed_but_extra = closed + extra
    assert local_times(day_slots(rules, WEEKDAYS_9_TO_5, monday, closed_but_extra),
                       LONDON) == ["18:00+0000"]
    sunday_extra = [DateChange(date(2026, 11, 22), "extra", time(10), time(11))]
    assert len(day_slots(rules, WEEKDAYS_9_TO_5, date(2026, 11, 22), sunday_extra)) == 1


def test_london_spring_forward_skips_the_missing_hour():
    # 29 March 2026: 01:00 GMT becomes 02:00 BST; the night opening lasts 3 real hours.
    rules = Rules(timezone=LONDON, slot_minutes=30, step_minutes=30)
    slots = day_slots(rules, ALL_WEEK_NIGHT, date(2026, 3, 29))
    assert local_times(slots, LONDON) == [
        "00:00+0000", "00:30+0000", "02:00+0100", "02:30+0100", "03:00+0100", "03:30+0100"]
    assert all(s.end - s.start == timedelta(minutes=30) for s in slots)
    # Office hours move by an hour in UTC across the change.
    assert day_slots(rules, WEEKDAYS_9_TO_5, date(2026, 3, 27))[0].start == utc(2026, 3, 27, 9)
    assert day_slots(rules, WEEKDAYS_9_TO_5, date(2026, 3, 30))[0].start == utc(2026, 3, 30, 8)


def test_london_spring_forward_opening_inside_the_gap_moves_forward():
    rules = Rules(timezone=LONDON, slot_minutes=30, step_minutes=30)
    weekly = [Hours(6, time(1, 30), time(3))]  # 01:30 does not exist on 29 March
    slots = day_slots(rules, weekly, date(2026, 3, 29))
    assert local_times(slots, LONDON) == ["02:30+0100"]


def test_london_fall_back_repeats_the_hour():
    # 25 October 2026: 02:00 BST becomes 01:00 GMT; 01:00-01:59 happens twice.
    rules = Rules(timezone=LONDON, slot_minutes=30, step_minutes=30)
    slots = day_slots(rules, ALL_WEEK_NIGHT, date(2026, 10, 25))
    assert local_times(slots, LONDON) == [
        "00:00+0100", "00:30+0100", "01:00+0100", "01:30+0100",
        "01:00+0000", "01:30+0000", "02:00+0000", "02:30+0000", "03:00+0000", "03:30+0000"]
    assert slots[0].start == utc(2026, 10, 24, 23)
    assert len({s.start for s in slots}) == len(slots)
    assert day_slots(rules, WEEKDAYS_9_TO_5, date(2026, 10, 23))[0].start == utc(2026, 10, 23, 8)
    assert day_slots(rules, WEEKDAYS_9_TO_5, date(2026, 10, 26))[0].start == utc(2026, 10, 26, 9)


def test_new_york_march_and_november():
    rules = Rules(timezone=NEW_YORK, slot_minutes=60, step_minutes=60)
    # 8 March 2026: 02:00 EST becomes 03:00 EDT.
    spring = day_slots(rules, ALL_WEEK_NIGHT, date(2026, 3, 8))
    assert local_times(spring, NEW_YORK) == ["00:00-0500", "01:00-0500", "03:00-0400"]
    # 1 November 2026: 02:00 EDT becomes 01:00 EST.
    autumn = day_slots(rules, ALL_WEEK_NIGHT, date(2026, 11, 1))
    assert local_times(autumn, NEW_YORK) == [
        "00:00-0400", "01:00-0400", "01:00-0500", "02:00-0500", "03:00-0500"]
    assert day_slots(rules, WEEKDAYS_9_TO_5, date(2026, 3, 6))[0].start == utc(2026, 3, 6, 14)
    assert day_slots(rules, WEEKDAYS_9_TO_5, date(2026, 3, 9))[0].start == utc(2026, 3, 9, 13)
    assert day_slots(rules, WEEKDAYS_9_TO_5, date(2026, 10, 30))[0].start == \
        utc(2026, 10, 30, 13)
    assert day_slots(rules, WEEKDAYS_9_TO_5, date(2026, 11, 2))[0].start == utc(2026, 11, 2, 14)


def test_visitor_in_auckland_sees_a_london_monday_across_two_of_their_days():
    rules = Rules(timezone=LONDON)
    slots = day_slots(rules, WEEKDAYS_9_TO_5, date(2026, 11, 23))
    grouped = group_by_local_date(slots, ZoneInfo("Pacific/Auckland"))  # NZDT, UTC+13
    assert list(grouped) == [date(2026, 11, 23), date(2026, 11, 24)]
    assert local_times(grouped[date(2026, 11, 23)], "Pacific/Auckland")[0] == "22:00+1300"
    assert local_times(grouped[date(2026, 11, 24)], "Pacific/Auckland")[0] == "00:00+1300"
    assert len(grouped[date(2026, 11, 23)]) == 8 and len(grouped[date(2026, 11, 24)]) == 24


def test_visitor_in_auckland_asking_for_their_own_date():
    rules = Rules(timezone=LONDON)
    zone = ZoneInfo("Pacific/Auckland")
    begin, finish = local_day_bounds(date(2026, 11, 24), date(2026, 11, 24), zone)
    slots = free_slots(rules, WEEKDAYS_9_TO_5, [], [], utc(2026, 11, 1), begin, finish)
    local = [s.start.astimezone(zone) for s in slots]
    assert {m.date() for m in local} == {date(2026, 11, 24)}
    # Their Tuesday holds the end of London's Monday and the start of London's Tuesday.
    assert local[0].strftime("%H:%M") == "00:00" and local[-1].strftime("%H:%M") == "23:45"
    assert len(slots) == 24 + 8


def test_visitor_in_los_angeles_while_only_america_has_changed_clocks():
    rules = Rules(timezone=LONDON)
    zone = ZoneInfo("America/Los_Angeles")
    # 16 March 2026: Los Angeles is on PDT (UTC-7), London still on GMT.
    march = group_by_local_date(day_slots(rules, WEEKDAYS_9_TO_5, date(2026, 3, 16)), zone)
    assert list(march) == [date(2026, 3, 16)]
    assert local_times(march[date(2026, 3, 16)], "America/Los_Angeles")[0] == "02:00-0700"
    # 23 November 2026: PST (UTC-8) and GMT.
    november = group_by_local_date(day_slots(rules, WEEKDAYS_9_TO_5, date(2026, 11, 23)), zone)
    assert local_times(november[date(2026, 11, 23)], "America/Los_Angeles")[0] == "01:00-0800"


def test_nearest_and_explanations():
    slots = [Slot(utc(2026, 11, 23, h), utc(2026, 11, 23, h, 15)) for h in range(9, 17)]
    assert [s.start.hour for s in nearest(slots, utc(2026, 11, 23, 12, 10), 3)] == [11, 12, 13]
    rules = Rules(timezone=LONDON, min_notice_hours=12, horizon_days=10)
    now = utc(2026, 11, 23, 8)
    assert "passed" in why_not_offered(rules, utc(2026, 11, 23, 7), now)
    assert "12 hours" in why_not_offered(rules, utc(2026, 11, 23, 9), now)
    assert "10 days" in why_not_offered(rules, utc(2027, 1, 23, 9), now)
    assert "not one of the times" in why_not_offered(rules, utc(2026, 11, 25, 9, 7), now)


def test_naive_times_are_refused():
    with pytest.raises(ValueError):
        free_slots(Rules(), WEEKDAYS_9_TO_5, [], [], datetime(2026, 1, 1), utc(2026, 1, 1),
                   utc(2026, 1, 2))
