"""The service functions booking and the dashboard rely on."""

from __future__ import annotations

from datetime import UTC, date, datetime

import time_machine

from coaching.assessment import services
from coaching.assessment.instrument import INSTRUMENT

ITEMS = INSTRUMENT.items


def answers(orientation: str) -> dict[str, int]:
    if orientation == "between":
        return {item.id: 3 for item in ITEMS}
    career = orientation == "career"
    return {item.id: (1 if item.reverse == career else 5) for item in ITEMS}


def test_save_and_get_result(db_session):
    saved = services.save_result(INSTRUMENT, answers("job"))
    assert len(saved.public_id) == 43
    assert saved.orientation == "job"
    found = services.get_result(saved.public_id)
    assert found is not None and found.id == saved.id
    assert services.get_result("A" * 43) is None
    assert services.get_result("") is None
    assert services.get_result(None) is None
    assert services.get_result(saved.public_id + "x") is None


def test_public_ids_are_unique(db_session):
    ids = {services.save_result(INSTRUMENT, answers("between")).public_id for _ in range(20)}
    assert len(ids) == 20


def test_orientation_label():
    assert services.orientation_label("job") == "Job-oriented"
    assert services.orientation_label("between") == "In between"
    assert services.orientation_label("career") == "Career-oriented"
    assert services.orientation_label("something_else") == "Something else"


def test_summary_lines(db_session):
    saved = services.save_result(INSTRUMENT, answers("career"))
    lines = services.summary_lines(saved)
    assert lines[0] == (
        "Overall: Career-oriented (100 out of 100, where 100 is fully career-oriented)"
    )
    assert lines[1:] == [
        f"{dimension.name}: 100/100, leans towards a career" for dimension in INSTRUMENT.dimensions
    ]


def test_summary_lines_round_half_up(db_session):
    mixed = {item.id: 3 for item in ITEMS}
    mixed["pay_trade"] = 4  # pay: values 3 and 4 -> 62.5
    lines = services.summary_lines(services.save_result(INSTRUMENT, mixed))
    assert "Pay and necessity: 63/100, in between" in lines


def test_counts_by_orientation_and_day(db_session):
    plan = [
        (datetime(2026, 3, 28, 23, 59, tzinfo=UTC), "job"),
        (datetime(2026, 3, 29, 0, 0, tzinfo=UTC), "career"),  # UK clocks change this day
        (datetime(2026, 3, 29, 12, 0, tzinfo=UTC), "career"),
        (datetime(2026, 3, 30, 9, 0, tzinfo=UTC), "between"),
        (datetime(2026, 4, 2, 9, 0, tzinfo=UTC), "job"),
    ]
    for instant, orientation in plan:
        with time_machine.travel(instant, tick=False):
            services.save_result(INSTRUMENT, answers(orientation))

    assert services.counts_by_orientation(date(2026, 3, 29), date(2026, 3, 30)) == {
        "job": 0,
        "between": 1,
        "career": 2,
    }
    assert services.counts_by_orientation(date(2026, 3, 1), date(2026, 4, 30)) == {
        "job": 2,
        "between": 1,
        "career": 2,
    }
    assert services.counts_by_day(date(2026, 3, 28), date(2026, 4, 1)) == {
        date(2026, 3, 28): 1,
        date(2026, 3, 29): 2,
        date(2026, 3, 30): 1,
        date(2026, 3, 31): 0,
        date(2026, 4, 1): 0,
    }
    assert services.counts_by_orientation(date(2025, 1, 1), date(2025, 1, 2)) == {
        "job": 0,
        "between": 0,
        "career": 0,
    }
