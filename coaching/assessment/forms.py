"""Read the assessment form: answers, the step being shown, and what is wrong with them.

The form is plain HTML (radio groups named ``q_<item id>``) rather than a
WTForms class, because the same fields arrive in two shapes: all statements
at once (no JavaScript) or one statement at a time with the earlier answers
carried in hidden inputs (htmx). Both are checked here by the same rules,
and anything a browser would not send (unknown names, repeated answers,
values off the scale, far too much data) is refused with a message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from werkzeug.datastructures import MultiDict

from .instrument import SCALE, Instrument

FIELD_PREFIX = "q_"
CONTROL_FIELDS = frozenset({"csrf_token", "step", "go"})
#: Far more than the real form sends (12 answers of one digit plus a token).
MAX_BODY_BYTES = 8 * 1024
VALID_VALUES = {str(value): value for value, _ in SCALE}


def field_name(item_id: str) -> str:
    return FIELD_PREFIX + item_id


@dataclass
class Submission:
    """What the visitor sent: valid answers, and messages for everything else."""

    answers: dict[str, int] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)  # item id -> message
    problems: list[str] = field(default_factory=list)  # not tied to one statement
    step: int | None = None  # 1-based statement number in the one-at-a-time flow
    go: str = "next"

    @property
    def ok(self) -> bool:
        return not self.errors and not self.problems

    def require(self, instrument: Instrument, item_ids: list[str]) -> None:
        """Add a message for each of `item_ids` that has no valid answer yet."""
        for item_id in item_ids:
            if item_id not in self.answers and item_id not in self.errors:
                number = _number(instrument, item_id)
                self.errors[item_id] = f"Choose an answer for question {number}."


def _number(instrument: Instrument, item_id: str) -> int:
    return next(i for i, item in enumerate(instrument.items, 1) if item.id == item_id)


def parse_step(value: str | None, total: int) -> int | None:
    """Return the statement number in `value` if it is one of 1..total, else None."""
    # Not str.isdigit(): it accepts "²", which int() then refuses.
    if value is None or not re.fullmatch(r"[0-9]{1,3}", value):
        return None
    number = int(value)
    return number if 1 <= number <= total else None


def too_large(content_length: int | None) -> bool:
    """Tell whether a request body is far larger than this form can produce."""
    return content_length is not None and content_length > MAX_BODY_BYTES


def oversized_submission() -> Submission:
    return Submission(
        problems=["What was sent is far larger than this form. Please answer the questions again."]
    )


def read(form: MultiDict, instrument: Instrument) -> Submission:
    """Check every field in `form` and return the valid answers and the messages."""
    submission = Submission()
    known = {field_name(item.id): item.id for item in instrument.items}
    unexpected = [name for name in form if name not in known and name not in CONTROL_FIELDS]
    if unexpected:
        submission.problems.append(
            "The form contained answers to questions we did not ask. Please check your answers."
        )
    for name, item_id in known.items():
        values = form.getlist(name)
        if not values:
            continue
        number = _number(instrument, item_id)
        if len(values) > 1:
            submission.errors[item_id] = (
                f"Question {number} was answered more than once. Choose one answer."
            )
        elif values[0] not in VALID_VALUES:
            submission.errors[item_id] = (
                f"Choose one of the five answers for question {number}."
            )
        else:
            submission.answers[item_id] = VALID_VALUES[values[0]]
    _read_step(form, instrument, submission)
    return submission


def _read_step(form: MultiDict, instrument: Instrument, submission: Submission) -> None:
    steps = form.getlist("step")
    if not steps:
        return
    total = len(instrument.items)
    number = parse_step(steps[0], total) if len(steps) == 1 else None
    if number is None:
        submission.problems.append(
            "We lost track of which question you were on. Please check your answer."
        )
    submission.step = number or 1
    go = form.getlist("go")
    if go and (len(go) > 1 or go[0] not in {"back", "next"}):
        submission.problems.append("We did not understand which way to go.")
    elif go:
        submission.go = go[0]


def first_problem_step(submission: Submission, instrument: Instrument) -> int:
    """Return the statement number to show with a 422: the first one with a message."""
    for number, item in enumerate(instrument.items, 1):
        if item.id in submission.errors:
            return number
    return submission.step or 1


def check_step(submission: Submission, instrument: Instrument) -> None:
    """Add the messages one step of the one-at-a-time flow needs before moving on.

    Going back needs nothing; going on needs the current statement answered;
    finishing needs every statement answered.
    """
    if submission.go == "back" or submission.step is None:
        return
    current = instrument.items[submission.step - 1]
    submission.require(instrument, [current.id])
    if submission.step == len(instrument.items):
        submission.require(instrument, [item.id for item in instrument.items])
