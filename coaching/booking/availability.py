"""Free-slot maths: pure functions from a coach's rules to bookable times, in UTC.

Nothing here touches the database or the clock: callers pass the rules, the
opening hours, the overrides, the busy intervals and `now`, so every case can
be tested exhaustively (tests/booking/test_availability*.py).

Definitions (all intervals are half-open, [start, end)):

- Opening hours are wall-clock times in the coach's zone. Each coach-local date
  is walked in turn and its ranges turned into instants with `zoneinfo`:
  * a nonexistent start or end (inside a spring-forward gap) is read with the
    offset in force before the gap (PEP 495 `fold=0`), which moves it forward
    by the gap: 01:30 on a London spring-forward day means 02:30 BST;
  * an ambiguous time (it happens twice on a fall-back day) is read as its
    first occurrence for a range start and its second for a range end, so an
    opening covers every instant whose wall-clock time lies inside it: a
    01:00-02:00 opening on the London fall-back day lasts two real hours.
  Slots start at the range start and follow each other `step` minutes apart in
  real (UTC) time, so every slot lasts exactly `slot_minutes`.
- Overrides on a date: "closed" removes the weekly hours, "hours" replaces them
  (several "hours" rows add up), "extra" adds an opening to whatever is left
  (so "closed" plus "extra" means only the extra opening).
- A slot is free when its blocked interval [start - buffer_before,
  end + buffer_after) overlaps no busy (blocked) interval of a live booking.
  Buffers only keep bookings apart; they may reach outside the opening hours.
- Minimum notice: a slot must start at or after `now + min_notice_hours`. With
  `no_same_day`, nothing on the coach's current local date is offered either.
- Horizon: the last bookable date is the coach's local today + `horizon_days`.
- Daily cap: a coach-local date that already holds `max_per_day` live bookings
  (counted by their start) offers nothing more.

Speed: busy intervals are merged once and looked up with `bisect`, so a range
costs O((slots + bookings) log bookings); bench/availability_bench.py measures
90 days with 1,000 bookings.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import NamedTuple, Protocol
from zoneinfo import ZoneInfo

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
EPOCH_ORDINAL = EPOCH.date().toordinal()
DAY = timedelta(days=1)


@dataclass(frozen=True)
class Rules:
    """A coach's booking rules (a plain copy, so the maths never touches the ORM)."""

    timezone: str = "Europe/London"
    slot_minutes: int = 15
    step_minutes: int = 15
    buffer_before_minutes: int = 0
    buffer_after_minutes: int = 0
    min_notice_hours: int = 0
    no_same_day: bool = False
    horizon_days: int = 60
    max_per_day: int = 100

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class Opening(Protocol):
    """Anything with a weekday and local start/end times (WeeklyHours fits)."""

    weekday: int
    start: time
    end: time


class Override(Protocol):
    """Anything shaped like DateOverride: date, kind, start, end."""

    date: date
    kind: str
    start: time | None
    end: time | None


class Busy(NamedTuple):
    """A live booking as the maths sees it: its start and its blocked interval."""

    start: datetime
    block_start: datetime
    block_end: datetime


class Slot(NamedTuple):
    """A bookable time, in UTC."""

    start: datetime
    end: datetime


@dataclass(frozen=True)
class Hours:
    """A plain weekly opening, for callers and tests without ORM objects."""

    weekday: int
    start: time
    end: time


@dataclass(frozen=True)
class DateChange:
    """A plain override, for callers and tests without ORM objects."""

    date: date
    kind: str
    start: time | None = None
    end: time | None = None


def _seconds(moment: datetime) -> int:
    """Whole seconds since the epoch, rounded down (instants are minute-aligned anyway)."""
    return math.floor(moment.timestamp())


def _seconds_up(moment: datetime) -> int:
    return math.ceil(moment.timestamp())


def _instant(day: date, wall: time, zone: tzinfo, *, fold: int) -> int:
    """Turn a local wall-clock time on `day` into epoch seconds (see module notes)."""
    return _seconds(datetime.combine(day, wall.replace(fold=fold), tzinfo=zone))


def _wall_seconds(wall: time) -> int:
    return wall.hour * 3600 + wall.minute * 60 + wall.second


def _merged(ranges: list[tuple[time, time]]) -> list[tuple[time, time]]:
    merged: list[tuple[time, time]] = []
    for start, end in sorted(r for r in ranges if r[0] < r[1]):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _ranges_for(day: date, weekly_by_day: dict[int, list[tuple[time, time]]],
                todays: Sequence[Override]) -> list[tuple[time, time]]:
    if not todays:
        return weekly_by_day.get(day.weekday(), [])
    if any(o.kind == "closed" for o in todays):
        ranges = []
    elif any(o.kind == "hours" for o in todays):
        ranges = [(o.start, o.end) for o in todays if o.kind == "hours"]
    else:
        ranges = list(weekly_by_day.get(day.weekday(), []))
    ranges += [(o.start, o.end) for o in todays if o.kind == "extra"]
    return _merged(ranges)


def local_ranges(day: date, weekly: Sequence[Opening],
                 overrides: Sequence[Override]) -> list[tuple[time, time]]:
    """Return the merged local opening ranges of `day`, after its overrides."""
    return _ranges_for(day, _weekly_by_day(weekly), [o for o in overrides if o.date == day])


def _weekly_by_day(weekly: Sequence[Opening]) -> dict[int, list[tuple[time, time]]]:
    by_day: dict[int, list[tuple[time, time]]] = {}
    for h in weekly:
        by_day.setdefault(h.weekday, []).append((h.start, h.end))
    return {weekday: _merged(ranges) for weekday, ranges in by_day.items()}


def _merge_busy(busy: Iterable[Busy]) -> tuple[list[int], list[int]]:
    """Merge blocked intervals into disjoint sorted ones (epoch-second starts, ends).

    Starts round down and ends up: slot starts are whole seconds, so for them
    "overlaps the rounded interval" and "overlaps the exact one" agree.
    """
    starts: list[int] = []
    ends: list[int] = []
    floor, ceil = math.floor, math.ceil
    for s, e in sorted([(floor(b[1].timestamp()), ceil(b[2].timestamp())) for b in busy]):
        if ends and s <= ends[-1]:
            if e > ends[-1]:
                ends[-1] = e
        else:
            starts.append(s)
            ends.append(e)
    return starts, ends


def first_and_last_day(rules: Rules, now: datetime) -> tuple[date, date]:
    """Return the first and last coach-local dates that can hold a slot at `now`."""
    today = now.astimezone(rules.zone).date()
    return today, today + timedelta(days=rules.horizon_days)


def free_slots(rules: Rules, weekly: Sequence[Opening], overrides: Sequence[Override],
               busy: Iterable[Busy], now: datetime, start: datetime,
               end: datetime) -> list[Slot]:
    """Return the free slots starting in [start, end), sorted, in UTC."""
    if now.tzinfo is None or start.tzinfo is None or end.tzinfo is None:
        raise ValueError("now, start and end must be timezone-aware")
    zone = rules.zone
    today, last_day = first_and_last_day(rules, now)
    first = max(today, start.astimezone(zone).date() - DAY)
    last = min(last_day, end.astimezone(zone).date() + DAY)

    lo = max(_seconds(start), _seconds_up(now) + rules.min_notice_hours * 3600)
    hi = _seconds_up(end)
    length = rules.slot_minutes * 60
    step = rules.step_minutes * 60
    before = rules.buffer_before_minutes * 60
    after = rules.buffer_after_minutes * 60
    busy = list(busy)
    busy_starts, busy_ends = _merge_busy(busy)
    booked = sorted([b[0].timestamp() for b in busy])
    count = len(busy_starts)
    weekly_by_day = _weekly_by_day(weekly)
    overrides_by_day: dict[date, list[Override]] = {}
    for o in overrides:
        if first <= o.date <= last:
            overrides_by_day.setdefault(o.date, []).append(o)

    slots: list[Slot] = []
    extend, from_timestamp = slots.extend, datetime.fromtimestamp
    new_slot = tuple.__new__  # skips namedtuple's Python-level __new__ in the hot loop
    last_start = -1
    in_order = True
    # Adding ready-made timedeltas is cheaper than building each datetime from
    # a timestamp; no opening lasts longer than a day plus a clock change.
    offsets = [timedelta(seconds=k * step) for k in range(27 * 3600 // step + 1)]
    ends = [o + timedelta(seconds=length) for o in offsets]
    tail = length + after
    day = first + DAY if rules.no_same_day and first == today else first
    day_hi = _instant(day, time(0), zone, fold=0)
    while day <= last:
        next_day = day + DAY
        day_lo, day_hi = day_hi, _instant(next_day, time(0), zone, fold=0)
        if bisect_left(booked, day_hi) - bisect_left(booked, day_lo) >= rules.max_per_day:
            day = next_day
            continue
        # Most days keep one UTC offset from midnight to midnight: then a wall
        # time is plain arithmetic. Days with a clock change take the exact path.
        local_midnight = (day.toordinal() - EPOCH_ORDINAL) * 86400
        offset = local_midnight - day_lo
        steady = local_midnight + 86400 - day_hi == offset
        for open_at, close_at in _ranges_for(day, weekly_by_day, overrides_by_day.get(day, ())):
            if steady:
                first_start = day_lo + _wall_seconds(open_at)
                close = day_lo + _wall_seconds(close_at)
            else:
                first_start = _instant(day, open_at, zone, fold=0)
                close = _instant(day, close_at, zone, fold=1)
            close = min(close, hi - 1 + length)
            if first_start < lo:  # jump straight to the first start the notice allows
                first_start += -(-(lo - first_start) // step) * step
            stop = close - length + 1  # last start + 1: the slot must end by `close`
            if first_start >= stop:
                continue
            if first_start <= last_start:
                in_order = False
            base = from_timestamp(first_start, UTC)
            # Walk the merged busy intervals instead of testing every start: a
            # start t is free when no interval meets [t - before, t + length + after),
            # so the free starts between two intervals form one run on the grid.
            t = first_start
            i = bisect_right(busy_ends, t - before)
            while t < stop:
                while i < count and busy_ends[i] <= t - before:
                    i += 1
                if i < count and busy_starts[i] < t + tail:  # blocked: skip past it
                    t += -(-(busy_ends[i] + before - t) // step) * step
                    continue
                limit = stop if i == count else min(stop, busy_starts[i] - tail + 1)
                k, k_end = (t - first_start) // step, -(-(limit - first_start) // step)
                extend([new_slot(Slot, (base + offsets[j], base + ends[j]))
                        for j in range(k, k_end)])
                t = first_start + k_end * step
                last_start = t - step
        day = next_day
    if in_order:
        return slots
    # Only odd overrides (ranges crossing in UTC across dates) get here.
    slots.sort()
    return [s for i, s in enumerate(slots) if i == 0 or s.start != slots[i - 1].start]


def local_day_bounds(day_first: date, day_last: date, zone: tzinfo) -> tuple[datetime, datetime]:
    """Return the UTC instants that bound the local dates day_first..day_last inclusive."""
    begin = datetime.combine(day_first, time(0), tzinfo=zone).astimezone(UTC)
    finish = datetime.combine(day_last + DAY, time(0), tzinfo=zone).astimezone(UTC)
    return begin, finish


def group_by_local_date(slots: Iterable[Slot], zone: tzinfo) -> dict[date, list[Slot]]:
    """Group slots by the date they start on in `zone` (the visitor's), in order."""
    grouped: dict[date, list[Slot]] = {}
    for slot in slots:
        grouped.setdefault(slot.start.astimezone(zone).date(), []).append(slot)
    return grouped


def nearest(slots: Sequence[Slot], wanted: datetime, limit: int = 5) -> list[Slot]:
    """Return up to `limit` slots closest in time to `wanted`, in time order."""
    ranked = sorted(slots, key=lambda s: (abs(s.start - wanted), s.start))[:limit]
    return sorted(ranked)


def why_not_offered(rules: Rules, start: datetime, now: datetime) -> str:
    """Explain, for a person, why a start the rules never offer was refused."""
    zone = rules.zone
    if start <= now:
        return "That time has already passed. Please choose another."
    if start < now + timedelta(hours=rules.min_notice_hours):
        return (f"Calls need to be booked at least {rules.min_notice_hours} hours ahead. "
                "Please choose a later time.")
    today, last_day = first_and_last_day(rules, now)
    local_day = start.astimezone(zone).date()
    if rules.no_same_day and local_day == today:
        return "Calls cannot be booked for today. Please choose a later day."
    if local_day > last_day:
        return (f"Calls can be booked up to {rules.horizon_days} days ahead. "
                "Please choose an earlier day.")
    return "That is not one of the times on offer. Please choose a time from the calendar."
