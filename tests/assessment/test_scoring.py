"""Scoring: every item, reverse keying, the orientation boundaries, and properties."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from coaching.assessment import scoring
from coaching.assessment.instrument import (
    INSTRUMENT,
    ORIENTATIONS,
    SCALE,
    get_instrument,
)

ITEMS = INSTRUMENT.items
NEUTRAL = 3


def answer_for(item, value: int) -> int:
    """Return the answer that gives `item` this career-pointing value."""
    return 6 - value if item.reverse else value


def answers_with_values(values: dict[str, int], default: int = NEUTRAL) -> dict[str, int]:
    return {item.id: answer_for(item, values.get(item.id, default)) for item in ITEMS}


def with_total(total: int) -> dict[str, int]:
    """Build answers whose item values add up to `total` (neutral is 3 per item)."""
    values = {item.id: NEUTRAL for item in ITEMS}
    step = 1 if total > NEUTRAL * len(ITEMS) else -1
    remaining = abs(total - NEUTRAL * len(ITEMS))
    for item in ITEMS:
        while remaining and 1 <= values[item.id] + step <= 5:
            values[item.id] += step
            remaining -= 1
    assert remaining == 0
    return answers_with_values(values)


def test_instrument_shape():
    assert 10 <= len(ITEMS) <= 14
    assert len({item.id for item in ITEMS}) == len(ITEMS)
    assert len(INSTRUMENT.version) <= 20
    assert [value for value, _ in SCALE] == [1, 2, 3, 4, 5]
    dimension_ids = {d.id for d in INSTRUMENT.dimensions}
    assert dimension_ids == {"pay", "horizon", "advancement", "learning", "identity", "meaning"}
    for dimension in INSTRUMENT.dimensions:
        keyed = {item.keyed for item in ITEMS if item.dimension == dimension.id}
        # One statement each way per dimension balances people who agree with everything.
        assert keyed == {"job", "career"}, dimension.id
        assert set(dimension.readings) == set(ORIENTATIONS)
    assert {item.dimension for item in ITEMS} == dimension_ids
    for orientation in ORIENTATIONS:
        assert 1 <= len(INSTRUMENT.profiles[orientation].next_steps) <= 2


def test_unknown_version_falls_back_to_current():
    assert get_instrument(INSTRUMENT.version) is INSTRUMENT
    assert get_instrument("1999-01.0") is INSTRUMENT


@pytest.mark.parametrize("item", ITEMS, ids=lambda item: item.id)
def test_every_item_moves_its_own_dimension_the_right_way(item):
    low = scoring.score(INSTRUMENT, {**answers_with_values({}), item.id: 1})
    high = scoring.score(INSTRUMENT, {**answers_with_values({}), item.id: 5})
    size = sum(1 for other in ITEMS if other.dimension == item.dimension)
    swing = Fraction(100, size)  # a 4-step change on one of `size` items
    delta = high.dimensions[item.dimension] - low.dimensions[item.dimension]
    assert delta == (-swing if item.reverse else swing)
    for dimension, value in high.dimensions.items():
        if dimension != item.dimension:
            assert value == low.dimensions[dimension] == 50


@pytest.mark.parametrize("item", ITEMS, ids=lambda item: item.id)
@pytest.mark.parametrize("answer", [1, 2, 3, 4, 5])
def test_item_value_reverses_only_job_keyed_items(item, answer):
    expected = 6 - answer if item.keyed == "job" else answer
    assert scoring.item_value(item, answer) == expected


def test_reverse_items_are_the_job_keyed_ones():
    reverse = {item.id for item in ITEMS if item.reverse}
    assert reverse == {
        "pay_reason",
        "meaning_clock",
        "advancement_content",
        "horizon_months",
        "learning_required",
        "identity_apart",
    }


@pytest.mark.parametrize("answer", [0, 6, -1, 100])
def test_item_value_refuses_answers_off_the_scale(answer):
    with pytest.raises(ValueError):
        scoring.item_value(ITEMS[0], answer)


def test_all_neutral_answers_are_in_between_at_fifty():
    result = scoring.score(INSTRUMENT, {item.id: NEUTRAL for item in ITEMS})
    assert result.overall == 50
    assert set(result.dimensions.values()) == {50}
    assert result.orientation == "between"


def test_agreeing_with_everything_lands_in_the_middle():
    result = scoring.score(INSTRUMENT, {item.id: 5 for item in ITEMS})
    assert result.overall == 50
    assert result.orientation == "between"


def test_extremes():
    career = scoring.score(INSTRUMENT, answers_with_values({}, default=5))
    job = scoring.score(INSTRUMENT, answers_with_values({}, default=1))
    assert (career.overall, career.orientation) == (100, "career")
    assert (job.overall, job.orientation) == (0, "job")
    assert career.as_json() == {
        "overall": 100.0,
        "dimensions": {d.id: 100.0 for d in INSTRUMENT.dimensions},
    }


@pytest.mark.parametrize(
    ("total", "orientation", "overall"),
    [
        (12, "job", 0),
        (29, "job", Fraction(1700, 48)),
        (30, "between", Fraction(75, 2)),
        (36, "between", 50),
        (42, "between", Fraction(125, 2)),
        (43, "career", Fraction(3100, 48)),
        (60, "career", 100),
    ],
)
def test_boundaries_between_orientations(total, orientation, overall):
    result = scoring.score(INSTRUMENT, with_total(total))
    assert result.overall == overall
    assert result.orientation == orientation


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, "job"),
        (Fraction(75, 2) - Fraction(1, 10**9), "job"),
        (37.5, "between"),
        (50, "between"),
        (62.5, "between"),
        (Fraction(125, 2) + Fraction(1, 10**9), "career"),
        (100, "career"),
    ],
)
def test_band_thresholds(value, expected):
    assert scoring.band(value) == expected


def test_incomplete_or_foreign_answers_are_refused():
    answers = {item.id: 3 for item in ITEMS}
    del answers[ITEMS[-1].id]
    with pytest.raises(ValueError, match="missing"):
        scoring.score(INSTRUMENT, answers)
    with pytest.raises(ValueError, match="unknown"):
        scoring.score(INSTRUMENT, {**{item.id: 3 for item in ITEMS}, "bogus": 3})


def test_stored_scores_are_rounded_to_one_decimal():
    result = scoring.score(INSTRUMENT, with_total(29))
    assert result.as_json()["overall"] == 35.4


complete_answers = st.fixed_dictionaries({item.id: st.integers(1, 5) for item in ITEMS})


@given(complete_answers)
def test_any_complete_answer_set_gives_exactly_one_orientation(answers):
    result = scoring.score(INSTRUMENT, answers)
    matches = [
        result.overall < 37.5,
        37.5 <= result.overall <= 62.5,
        result.overall > 62.5,
    ]
    assert matches.count(True) == 1
    assert result.orientation == ORIENTATIONS[matches.index(True)]
    assert 0 <= result.overall <= 100
    assert all(0 <= value <= 100 for value in result.dimensions.values())
    stored = result.as_json()
    assert 0 <= stored["overall"] <= 100
    assert set(stored["dimensions"]) == {d.id for d in INSTRUMENT.dimensions}


@given(complete_answers, st.sampled_from(ITEMS))
def test_agreeing_more_moves_the_score_towards_the_item_keying(answers, item):
    assume(answers[item.id] < 5)
    before = scoring.score(INSTRUMENT, answers).overall
    after = scoring.score(INSTRUMENT, {**answers, item.id: answers[item.id] + 1}).overall
    assert (after < before) if item.reverse else (after > before)
