"""Score a complete set of answers: pure functions, no database, no Flask.

How a result is computed
------------------------
Each answer is 1 (strongly disagree) to 5 (strongly agree). An item's *value*
points towards a career: for career-keyed statements it is the answer itself;
for job-keyed (reverse-scored) statements it is ``6 - answer``, so strongly
agreeing that "my work is what I do, not who I am" counts as 1.

A dimension's score is the mean of its item values rescaled to 0-100:
``(mean - 1) / 4 * 100``. 0 means every answer pointed to a job, 100 to a
career, 50 is neutral. The overall score is the mean of the dimension scores,
so each dimension weighs the same however many statements it has.

Thresholds
----------
The same bands apply to the overall score (the orientation) and to each
dimension (its leaning):

* below 37.5: **job** – on average the answers sit more than half a step of
  the scale on the job side of neutral (a mean item value below 2.5);
* above 62.5: **career** – more than half a step on the career side
  (a mean item value above 3.5);
* from 37.5 to 62.5 inclusive: **between** – within half a step of neutral,
  which covers all-neutral answers and mixed pictures.

A mixed or hesitant picture should not be labelled one way or the other on
the strength of a few strong answers, so the middle band takes every mean item
value within half a step of the neutral answer: with the 12-item instrument (two items per
dimension, neutral total 36) it takes seven steps away from neutral in
total, such as four "strongly" answers, to leave it. The boundaries land on
whole totals of item values: 30 is still "between" and 29 is "job"; 42 is
still "between" and 43 is "career". Arithmetic uses exact fractions so a
boundary never depends on floating-point rounding; scores are rounded to one
decimal only for storage and display.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from .instrument import Instrument, Item

MIN_ANSWER = 1
MAX_ANSWER = 5
JOB_BELOW = Fraction(75, 2)  # 37.5
CAREER_ABOVE = Fraction(125, 2)  # 62.5


@dataclass(frozen=True)
class Result:
    """Scores (0-100) per dimension and overall, and the overall orientation."""

    dimensions: dict[str, Fraction]
    overall: Fraction
    orientation: str

    def as_json(self) -> dict:
        """Return the scores as stored: percentages rounded to one decimal."""
        return {
            "overall": _rounded(self.overall),
            "dimensions": {key: _rounded(value) for key, value in self.dimensions.items()},
        }


def _rounded(value: Fraction) -> float:
    return round(float(value), 1)


def item_value(item: Item, answer: int) -> int:
    """Return how far `answer` points to a career (1-5), reversing job-keyed items."""
    if not MIN_ANSWER <= answer <= MAX_ANSWER:
        raise ValueError(f"answer {answer!r} to {item.id} is outside {MIN_ANSWER}-{MAX_ANSWER}")
    return MIN_ANSWER + MAX_ANSWER - answer if item.reverse else answer


def band(score: Fraction | float) -> str:
    """Return "job", "between" or "career" for a 0-100 score (see the module docstring)."""
    score = Fraction(score)
    if score < JOB_BELOW:
        return "job"
    if score > CAREER_ABOVE:
        return "career"
    return "between"


def dimension_scores(instrument: Instrument, answers: dict[str, int]) -> dict[str, Fraction]:
    """Return each dimension's 0-100 score; `answers` must cover every item."""
    scores = {}
    for dimension in instrument.dimensions:
        items = [item for item in instrument.items if item.dimension == dimension.id]
        values = [item_value(item, answers[item.id]) for item in items]
        mean = Fraction(sum(values), len(values))
        scores[dimension.id] = (mean - MIN_ANSWER) / (MAX_ANSWER - MIN_ANSWER) * 100
    return scores


def score(instrument: Instrument, answers: dict[str, int]) -> Result:
    """Score a complete answer set: dimension scores, overall score and orientation."""
    missing = [item.id for item in instrument.items if item.id not in answers]
    if missing:
        raise ValueError(f"answers missing for {', '.join(missing)}")
    unknown = set(answers) - {item.id for item in instrument.items}
    if unknown:
        raise ValueError(f"answers to unknown items {', '.join(sorted(unknown))}")
    dimensions = dimension_scores(instrument, answers)
    overall = sum(dimensions.values(), Fraction(0)) / len(dimensions)
    return Result(dimensions=dimensions, overall=overall, orientation=band(overall))
