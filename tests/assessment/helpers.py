"""Plain helpers for the assessment's web tests."""

from __future__ import annotations

import re

from coaching.assessment.instrument import INSTRUMENT

HX = {"HX-Request": "true"}
ITEMS = INSTRUMENT.items
RESULT_PATH = re.compile(r"^/assessment/results/([A-Za-z0-9_-]{43})$")


def full_answers(value: str = "4") -> dict[str, str]:
    """Answer every statement with `value`, as the no-JS form would send it."""
    return {f"q_{item.id}": value for item in ITEMS}
