"""Store and read assessment results; what booking and the dashboard may ask about them.

Booking relies on `get_result`, `orientation_label` and `summary_lines`; the
dashboard on `counts_by_orientation` and `counts_by_day`. Results are
anonymous: answers, scores and a creation time, reachable only by a random id.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select

from .. import metrics
from ..extensions import db
from . import scoring
from .instrument import ORIENTATION_LABELS, ORIENTATIONS, Instrument, get_instrument
from .models import AssessmentResponse

# secrets.token_urlsafe(32) gives 43 characters of the URL-safe base64 alphabet.
PUBLIC_ID_RE = re.compile(r"[A-Za-z0-9_-]{43}")
LEANING_WORDS = {
    "job": "Leans towards a job",
    "between": "In between",
    "career": "Leans towards a career",
}


@dataclass(frozen=True)
class Reading:
    """One dimension of a stored result, explained."""

    name: str
    score: float
    leaning: str
    text: str


def record_start() -> None:
    """Count a visitor being shown the first statement."""
    metrics.count_view("assessment_start")


def save_result(instrument: Instrument, answers: dict[str, int]) -> AssessmentResponse:
    """Score a complete answer set, store it anonymously and count the completion."""
    result = scoring.score(instrument, answers)
    response = AssessmentResponse(
        public_id=secrets.token_urlsafe(32),
        instrument_version=instrument.version,
        answers=dict(answers),
        scores=result.as_json(),
        orientation=result.orientation,
    )
    db.session.add(response)
    metrics.count("assessment_complete")
    db.session.commit()
    return response


def get_result(public_id: str | None) -> AssessmentResponse | None:
    """Return the stored result with this public id, or None."""
    if not public_id or not PUBLIC_ID_RE.fullmatch(public_id):
        return None
    return db.session.scalar(
        select(AssessmentResponse).where(AssessmentResponse.public_id == public_id)
    )


def get_instrument_for(response: AssessmentResponse) -> Instrument:
    """Return the instrument a stored result was taken with."""
    return get_instrument(response.instrument_version)


def orientation_label(orientation: str) -> str:
    """Return the words for an orientation, e.g. "Career-oriented"."""
    return ORIENTATION_LABELS.get(orientation, orientation.replace("_", " ").capitalize())


def readings(response: AssessmentResponse) -> list[Reading]:
    """Explain each dimension of a stored result in plain words."""
    instrument = get_instrument_for(response)
    scores = (response.scores or {}).get("dimensions", {})
    found = []
    for dimension in instrument.dimensions:
        if dimension.id not in scores:
            continue
        value = float(scores[dimension.id])
        leaning = scoring.band(value)
        found.append(Reading(dimension.name, value, leaning, dimension.readings[leaning]))
    return found


def summary_lines(response: AssessmentResponse) -> list[str]:
    """Return short lines describing a result, for the coach's email and dashboard."""
    overall = (response.scores or {}).get("overall")
    first = f"Overall: {orientation_label(response.orientation)}"
    if overall is not None:
        first += f" ({_whole(overall)} out of 100, where 100 is fully career-oriented)"
    lines = [first]
    for reading in readings(response):
        lines.append(
            f"{reading.name}: {_whole(reading.score)}/100, {LEANING_WORDS[reading.leaning].lower()}"
        )
    return lines


def _whole(value: float) -> int:
    # Round half up: 62.5 reads as 63, as people expect.
    return int(value + 0.5)


def _utc_range(start: date, end: date) -> tuple[datetime, datetime]:
    """Turn inclusive UTC days into a half-open range of instants."""
    return (
        datetime.combine(start, time(), tzinfo=UTC),
        datetime.combine(end + timedelta(days=1), time(), tzinfo=UTC),
    )


def counts_by_orientation(start: date, end: date) -> dict[str, int]:
    """Count results per orientation created on UTC days start..end inclusive."""
    low, high = _utc_range(start, end)
    rows = db.session.execute(
        select(AssessmentResponse.orientation, func.count())
        .where(AssessmentResponse.created_at >= low, AssessmentResponse.created_at < high)
        .group_by(AssessmentResponse.orientation)
    ).all()
    found = {orientation: int(total) for orientation, total in rows}
    counts = {orientation: found.pop(orientation, 0) for orientation in ORIENTATIONS}
    counts.update(found)  # results of a retired orientation still count
    return counts


def counts_by_day(start: date, end: date) -> dict[date, int]:
    """Count results per UTC day start..end inclusive, with every day present."""
    low, high = _utc_range(start, end)
    # Bucketing in Python keeps the day boundary in UTC on both databases
    # (PostgreSQL's date() would use the session's time zone).
    created = db.session.scalars(
        select(AssessmentResponse.created_at).where(
            AssessmentResponse.created_at >= low, AssessmentResponse.created_at < high
        )
    )
    days = {start + timedelta(days=n): 0 for n in range((end - start).days + 1)}
    for instant in created:
        days[instant.astimezone(UTC).date()] += 1
    return days
