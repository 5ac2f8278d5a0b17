"""Import every model so metadata (and Alembic) sees the whole schema."""

from .articles.models import Article
from .assessment.models import AssessmentResponse
from .booking.models import Booking, Coach, DateOverride, WeeklyHours
from .consent.models import ConsentRecord
from .dashboard.models import AuditEvent
from .mail.models import OutboxEmail
from .metrics import DailyCounter

__all__ = [
    "Article",
    "AssessmentResponse",
    "AuditEvent",
    "Booking",
    "Coach",
    "ConsentRecord",
    "DailyCounter",
    "DateOverride",
    "OutboxEmail",
    "WeeklyHours",
]
