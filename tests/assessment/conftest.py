"""Helpers for the assessment's web tests."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select


@pytest.fixture
def stored_count(app):
    """Return a function counting stored assessment results."""
    from coaching.assessment.models import AssessmentResponse
    from coaching.extensions import db

    def count() -> int:
        with app.app_context():
            return db.session.scalar(select(func.count()).select_from(AssessmentResponse))

    return count


@pytest.fixture
def token(csrf_token):
    """A CSRF token for the assessment form (session kept in `client`)."""
    return csrf_token("/assessment")

