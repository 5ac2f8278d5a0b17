"""A small per-process memo of computed free slots (and their JSON), keyed on every input.

Why it is correct without any invalidation: `availability.free_slots` is a
pure function, and the key holds everything it reads, taken from the
database on every request: the rules, every weekly opening, every override,
every busy interval in the range (sorted), the range, and the coach-local date
of `now`. A booking, cancellation, move or change of hours or rules changes
the rows read, hence the key, so a stale entry can never be found; it just
ages out of the LRU.

`now` enters only through minimum notice and "today": the entry is computed
with no notice and `now` at the start of the coach's local today, and each
request keeps the slots that start at or after `now + notice` (a bisect).
The maths offers a start t only when t >= max(range start, now + notice) and
applies no other use of `now` besides "today" (first day, horizon, no same
day), which the key holds, so the filtered entry equals a fresh computation.
tests/booking/test_slot_cache.py checks both the equality and the invalidation.
"""

from __future__ import annotations

import json
import math
import threading
from bisect import bisect_left
from collections import OrderedDict
from dataclasses import replace
from datetime import UTC, date, datetime, time
from itertools import groupby
from zoneinfo import ZoneInfo

from . import availability
from .availability import Busy, Rules, Slot

# Bounds per worker process: an entry is a few hundred slots plus, for a few
# zones, their JSON and rendered fragments (tens of KB each): a few MB at most.
MAX_ENTRIES = 32
MAX_ZONES_PER_ENTRY = 4
MAX_FRAGMENTS_PER_ENTRY = 16


class Entry:
    """Slots computed once for a key, plus what views derive from them per zone."""

    __slots__ = ("slots", "starts", "json", "dates", "fragments")

    def __init__(self, slots: list[Slot]):
        self.slots = slots
        self.starts = [s.start.timestamp() for s in slots]
        self.json: dict[str, list[str]] = {}
        self.dates: dict[str, list[date]] = {}
        self.fragments: dict[tuple, str] = {}

    def fragment(self, key: tuple, render) -> str:
        """Return the HTML `render()` makes for `key`, rendering it only the first time.

        For views whose output is a function of this entry's slots and `key`
        alone (the caller's key must hold every other input it reads).
        """
        html = self.fragments.get(key)
        if html is None:
            html = render()
            if len(self.fragments) >= MAX_FRAGMENTS_PER_ENTRY:
                self.fragments.clear()
            self.fragments[key] = html
        return html

    def first_after(self, now: datetime, notice_hours: int) -> int:
        """Index of the first slot starting at or after ceil(now) + notice."""
        return bisect_left(self.starts, math.ceil(now.timestamp()) + notice_hours * 3600)

    def json_items(self, zone_name: str) -> list[str]:
        """Each slot as the API writes it, for one visitor zone (formatted once)."""
        items = self.json.get(zone_name)
        if items is None:
            zone = ZoneInfo(zone_name)
            items = [_json_item(s, zone) for s in self.slots]
            _bounded_set(self.json, zone_name, items)
        return items

    def local_dates(self, zone_name: str) -> list[date]:
        dates = self.dates.get(zone_name)
        if dates is None:
            zone = ZoneInfo(zone_name)
            dates = [s.start.astimezone(zone).date() for s in self.slots]
            _bounded_set(self.dates, zone_name, dates)
        return dates


def _bounded_set(store: dict, key, value) -> None:
    if len(store) >= MAX_ZONES_PER_ENTRY:
        store.clear()
    store[key] = value


def iso_z(moment: datetime) -> str:
    """ISO 8601 in UTC with a Z (isoformat, much cheaper than strftime)."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def _json_item(slot: Slot, zone: ZoneInfo) -> str:
    # Same keys, order and separators as Flask's jsonify (sort_keys, compact).
    local = slot.start.astimezone(zone).isoformat()
    return f'{{"end":"{iso_z(slot.end)}","local":"{local}","start":"{iso_z(slot.start)}"}}'


_entries: OrderedDict[tuple, Entry] = OrderedDict()
_lock = threading.Lock()  # the development server and the mail thread share a process


def clear() -> None:
    _entries.clear()


def _today_start(rules: Rules, now: datetime) -> datetime | None:
    """The earliest instant of the coach's local today, if it is a safe stand-in for `now`."""
    zone = rules.zone
    today = now.astimezone(zone).date()
    start = datetime.combine(today, time(0), tzinfo=zone).astimezone(UTC)
    if start > now or start.astimezone(zone).date() != today:
        return None
    return start


def lookup(rules: Rules, weekly, overrides, busy: list[Busy], now: datetime, start: datetime,
           end: datetime) -> tuple[Entry, int]:
    """Return the entry for these inputs and the index of its first slot offered at `now`."""
    base_now = _today_start(rules, now)
    if base_now is None:  # a zone whose day starts oddly: compute afresh, exactly
        entry = Entry(availability.free_slots(rules, weekly, overrides, busy, now, start, end))
        return entry, 0
    key = (
        replace(rules, min_notice_hours=0),
        tuple((h.weekday, h.start, h.end) for h in weekly),
        tuple((o.date, o.kind, o.start, o.end) for o in overrides),
        tuple(sorted(busy)),
        start, end, base_now,
    )
    with _lock:
        entry = _entries.get(key)
        if entry is not None:
            _entries.move_to_end(key)
    if entry is None:
        entry = Entry(availability.free_slots(key[0], weekly, overrides, busy, base_now,
                                              start, end))
        with _lock:
            _entries[key] = entry
            if len(_entries) > MAX_ENTRIES:
                _entries.popitem(last=False)
    return entry, entry.first_after(now, rules.min_notice_hours)


def slots_json(entry: Entry, index: int, zone_name: str) -> str:
    """The slots API body for the entry's slots from `index` on."""
    items = entry.json_items(zone_name)[index:]
    return f'{{"slots":[{",".join(items)}],"timezone":{json.dumps(zone_name)}}}\n'


def group_by_local_date(entry: Entry, index: int, zone_name: str) -> dict[date, list[Slot]]:
    """Group the entry's slots from `index` on by their local date in `zone_name`."""
    pairs = zip(entry.local_dates(zone_name)[index:], entry.slots[index:], strict=True)
    return {day: [slot for _, slot in group] for day, group in groupby(pairs, key=_first)}


def _first(pair):
    return pair[0]
