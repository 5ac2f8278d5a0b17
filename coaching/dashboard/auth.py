"""Loading the signed-in coach for Flask-Login."""

from __future__ import annotations

from ..booking.models import Coach
from ..extensions import db, login_manager


@login_manager.user_loader
def load_coach(user_id: str) -> Coach | None:
    """Return the coach for a session id of the form "<id>:<session version>"."""
    coach_id, _, version = user_id.partition(":")
    if not coach_id.isdigit() or not version.isdigit():
        return None
    coach = db.session.get(Coach, int(coach_id))
    if coach is None or coach.session_version != int(version):
        return None
    return coach
