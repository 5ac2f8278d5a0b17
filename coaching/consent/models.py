"""Proof of consent: one row per decision a visitor makes about cookies."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db_types import UTCDateTime, utcnow
from ..extensions import db


class ConsentRecord(db.Model):
    __tablename__ = "consent_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    consent_id: Mapped[str] = mapped_column(String(36), index=True)
    policy_revision: Mapped[int] = mapped_column(Integer)
    choices: Mapped[dict] = mapped_column(JSON)
    action: Mapped[str] = mapped_column(String(20))
    ip_truncated: Mapped[str] = mapped_column(String(45), default="")
    user_agent_hash: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
