"""The demo coach `make run` creates on an empty database."""

from __future__ import annotations

from datetime import time

from sqlalchemy import select

from ..dashboard.passwords import hash_password
from ..extensions import db
from .models import Coach, WeeklyHours

DEMO_EMAIL = "coach@career-compass.example"
DEMO_PASSWORD = "compass-demo-2026"  # noqa: S105 - printed for local use; refused in production


def seed_demo_coach(name: str) -> tuple[Coach, bool]:
    """Create the demo coach with Monday-Friday 09:00-17:00 hours if missing."""
    coach = db.session.scalar(select(Coach).where(Coach.email == DEMO_EMAIL))
    if coach is not None:
        return coach, False
    coach = Coach(
        name=name,
        email=DEMO_EMAIL,
        password_hash=hash_password(DEMO_PASSWORD),
        timezone="Europe/London",
        meeting_url="https://meet.example.com/career-compass",
        slot_minutes=15,
        slot_step_minutes=15,
        buffer_before_minutes=5,
        buffer_after_minutes=5,
        min_notice_hours=12,
        horizon_days=60,
        max_per_day=8,
    )
    coach.weekly_hours = [
        WeeklyHours(weekday=day, start=time(9), end=time(17)) for day in range(5)
    ]
    db.session.add(coach)
    db.session.flush()
    return coach, True
