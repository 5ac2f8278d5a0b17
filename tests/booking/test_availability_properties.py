"""Property tests of the slot maths against a slow, obviously-correct reference."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coaching.booking.availability import Busy, DateChange, Hours, Rules, free_slots

ZONES = ["Europe/London", "America/New_York", "Pacific/Auckland", "Asia/Kolkata",
         "Australia/Lord_Howe", "America/Santiago", "UTC"]
BASE = datetime(2026, 1, 1, tzinfo=UTC)


@st.composite
def quarter_times(draw, low=0, high=95):
    q = draw(st.integers(low, high))
    return time(q // 4, (q % 4) * 15)


@st.composite
def ranges(draw):
    start = draw(quarter_times(0, 94))
    end_q = draw(st.integers(start.hour * 4 + start.minute // 15 + 1, 95))
    return start, time(end_q // 4, (end_q % 4) * 15)


@st.composite
def scenarios(draw):
    rules = Rules(
        timezone=draw(st.sampled_from(ZONES)),
        slot_minutes=draw(st.sampled_from([15, 20, 30, 45, 60])),
        step_minutes=draw(st.sampled_from([5, 15, 30, 60])),
        buffer_before_minutes=draw(st.sampled_from([0, 5, 10, 30])),
        buffer_after_minutes=draw(st.sampled_from([0, 5, 15])),
        min_notice_hours=draw(st.integers(0, 72)),
        no_same_day=draw(st.booleans()),
        horizon_days=draw(st.integers(1, 20)),
        max_per_day=draw(st.integers(1, 6)),
    )
    weekly = [Hours(draw(st.integers(0, 6)), *draw(ranges())) for _ in range(draw(
        st.integers(0, 8)))]
    # Anywhere in 2026, so daylight-saving days in every zone come up.
    now = BASE + timedelta(minutes=draw(st.integers(0, 365 * 24 * 60)))
    today = now.date()
    overrides = []
    for _ in range(draw(st.integers(0, 5))):
        day = today + timedelta(days=draw(st.integers(-1, 21)))
        kind = draw(st.sampled_from(["closed", "hours", "extra"]))
        overrides.append(DateChange(day, kind) if kind == "closed"
                         else DateChange(day, kind, *draw(ranges())))
    busy = []
    for _ in range(draw(st.integers(0, 25))):
        start = now + timedelta(minutes=5 * draw(st.integers(-24 * 12, 22 * 24 * 12)))
        length = timedelta(minutes=draw(st.sampled_from([15, 30, 60])))
        before = timedelta(minutes=draw(st.sampled_from([0, 5])))
        after = timedelta(minutes=draw(st.sampled_from([0, 5])))
        busy.append(Busy(start, start - before, start + length + after))
    span = timedelta(hours=draw(st.integers(1, 24 * 25)))
    begin = now + timedelta(hours=draw(st.integers(-48, 24 * 10)))
    return rules, weekly, overrides, busy, now, begin, begin + span


def openings(rules, weekly, overrides, day):
    """The reference: this day's opening intervals in UTC (module docstring semantics)."""
    zone = ZoneInfo(rules.timezone)
    todays = [o for o in overrides if o.date == day]
    if any(o.kind == "closed" for o in todays):
        base = []
    elif any(o.kind == "hours" for o in todays):
        base = [(o.start, o.end) for o in todays if o.kind == "hours"]
    else:
        base = [(h.start, h.end) for h in weekly if h.weekday == day.weekday()]
    base += [(o.start, o.end) for o in todays if o.kind == "extra"]
    return [(datetime.combine(day, a, tzinfo=zone).astimezone(UTC),
             datetime.combine(day, b.replace(fold=1), tzinfo=zone).astimezone(UTC))
            for a, b in base]


def merged_openings(rules, weekly, overrides, day):
    """Touching or overlapping openings join up: a slot may straddle two ranges."""
    joined = []
    for a, b in sorted(openings(rules, weekly, overrides, day)):
        if joined and a <= joined[-1][1]:
            joined[-1] = (joined[-1][0], max(b, joined[-1][1]))
        else:
            joined.append((a, b))
    return joined


def coach_day(rules, moment):
    return moment.astimezone(ZoneInfo(rules.timezone)).date()


def overlaps(a_start, a_end, b_start, b_end):
    return a_start < b_end and b_start < a_end


def check(rules, weekly, overrides, busy, now, begin, end, slots):
    before = timedelta(minutes=rules.buffer_before_minutes)
    after = timedelta(minutes=rules.buffer_after_minutes)
    today = coach_day(rules, now)
    starts = [s.start for s in slots]
    assert starts == sorted(set(starts)), "sorted and unique"
    for slot in slots:
        assert slot.start.tzinfo is not None and slot.start.utcoffset() == timedelta(0)
        assert slot.end - slot.start == timedelta(minutes=rules.slot_minutes)
        assert begin <= slot.start < end
        for b in busy:
            assert not overlaps(slot.start - before, slot.end + after, b.block_start,
                                b.block_end), "overlaps a booking plus buffers"
        day = coach_day(rules, slot.start)
        assert any(o_start <= slot.start and slot.end <= o_end
                   for d in (day - timedelta(days=1), day)
                   for o_start, o_end in merged_openings(rules, weekly, overrides, d)), \
            "inside hours"
        assert slot.start >= now + timedelta(hours=rules.min_notice_hours), "notice"
        assert day <= today + timedelta(days=rules.horizon_days), "horizon"
        if rules.no_same_day:
            assert day != today
        booked_that_day = sum(1 for b in busy if coach_day(rules, b.start) == day)
        assert booked_that_day < rules.max_per_day, "daily cap"


def reference(rules, weekly, overrides, busy, now, begin, end):
    """Every slot the rules allow, found the slow way."""
    before = timedelta(minutes=rules.buffer_before_minutes)
    after = timedelta(minutes=rules.buffer_after_minutes)
    length = timedelta(minutes=rules.slot_minutes)
    step = timedelta(minutes=rules.step_minutes)
    today = coach_day(rules, now)
    found = set()
    day = today
    while day <= today + timedelta(days=rules.horizon_days):
        booked = sum(1 for b in busy if coach_day(rules, b.start) == day)
        for a, b in merged_openings(rules, weekly, overrides, day):
            t = a
            while t + length <= b:
                if (booked < rules.max_per_day and begin <= t < end
                        and t >= now + timedelta(hours=rules.min_notice_hours)
                        and not (rules.no_same_day and day == today)
                        and not any(overlaps(t - before, t + length + after, x.block_start,
                                             x.block_end) for x in busy)):
                    found.add(t)
                t += step
        day += timedelta(days=1)
    return sorted(found)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_every_slot_obeys_every_rule(scenario):
    slots = free_slots(*scenario)
    check(*scenario, slots)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_slots_are_exactly_what_the_slow_reference_finds(scenario):
    assert [s.start for s in free_slots(*scenario)] == reference(*scenario)


def test_the_reference_is_not_vacuous():
    rules = Rules(timezone="Europe/London")
    now = datetime(2026, 11, 20, 10, tzinfo=UTC)
    weekly = [Hours(d, time(9), time(17)) for d in range(5)]
    args = (rules, weekly, [], [], now, now, now + timedelta(days=7))
    assert len(reference(*args)) == 5 * 32 == len(free_slots(*args))
    assert reference(*args)[0] == now  # Friday 10:00, no notice
    assert date(2026, 11, 23) in {s.date() for s in reference(*args)}
