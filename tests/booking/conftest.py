"""Fixtures for the booking tests: a frozen clock, a booked slot, helpers."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import time_machine

# A Friday, 10:00 in London: the demo coach (12 h notice) is bookable from
# Monday 23 November 2026 09:00 GMT.
FROZEN = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)



@pytest.fixture
def frozen():
    with time_machine.travel(FROZEN, tick=False) as traveller:
        yield traveller


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def booking_data(start: datetime = MONDAY_9, **overrides) -> dict:
    data = {
        "start": iso(start) if isinstance(start, datetime) else start,
        "tz": "Europe/London", "name": "Ada Lovelace",
        "email": "ada@example.com", "phone": "", "message": "", "agree": "y",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


TOKEN_RE = re.compile(r"/bookings/([A-Za-z0-9_-]+)")
