"""The coach, their opening hours and the bookings made against them."""

from __future__ import annotations

import secrets
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    column,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import UTCDateTime, utcnow
from ..extensions import db

# Statuses that hold a slot. Completed and no-show bookings keep their time
# (the hour really was used), cancelled ones free it for somebody else.
LIVE_STATUSES = ("confirmed", "completed", "no_show")


class BookingStateError(Exception):
    """The booking is not in a state that allows this change (shown to the user)."""


def new_feed_token() -> str:
    """Return a fresh unguessable token for the coach's private calendar feed."""
    return secrets.token_urlsafe(32)


class Coach(UserMixin, db.Model):
    __tablename__ = "coach"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/London")
    meeting_details: Mapped[str] = mapped_column(
        Text, default="A video call: the link is in your confirmation email and calendar invite."
    )
    meeting_url: Mapped[str] = mapped_column(String(500), default="")
    slot_minutes: Mapped[int] = mapped_column(Integer, default=15)
    slot_step_minutes: Mapped[int] = mapped_column(Integer, default=15)
    buffer_before_minutes: Mapped[int] = mapped_column(Integer, default=5)
    buffer_after_minutes: Mapped[int] = mapped_column(Integer, default=5)
    min_notice_hours: Mapped[int] = mapped_column(Integer, default=12)
    no_same_day: Mapped[bool] = mapped_column(Boolean, default=False)
    horizon_days: Mapped[int] = mapped_column(Integer, default=60)
    max_per_day: Mapped[int] = mapped_column(Integer, default=8)
    feed_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_feed_token)
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    recovery_codes: Mapped[list | None] = mapped_column(JSON)
    # The last TOTP time step used to sign in: older or equal steps are refused (no replay).
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    # Bumped on logout and password change so every older session stops working.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    weekly_hours: Mapped[list[WeeklyHours]] = relationship(
        back_populates="coach", cascade="all, delete-orphan", order_by="WeeklyHours.weekday"
    )
    overrides: Mapped[list[DateOverride]] = relationship(
        back_populates="coach", cascade="all, delete-orphan", order_by="DateOverride.date"
    )

    __table_args__ = (
        CheckConstraint("slot_minutes BETWEEN 5 AND 240", name="slot_minutes"),
        CheckConstraint("slot_step_minutes BETWEEN 5 AND 240", name="slot_step"),
        CheckConstraint("buffer_before_minutes BETWEEN 0 AND 240", name="buffer_before"),
        CheckConstraint("buffer_after_minutes BETWEEN 0 AND 240", name="buffer_after"),
        CheckConstraint("min_notice_hours BETWEEN 0 AND 2160", name="min_notice"),
        CheckConstraint("horizon_days BETWEEN 1 AND 365", name="horizon"),
        CheckConstraint("max_per_day BETWEEN 1 AND 100", name="max_per_day"),
    )

    def get_id(self) -> str:
        # The session version is part of the id, so bumping it logs out everywhere.
        return f"{self.id}:{self.session_version}"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class WeeklyHours(db.Model):
    """One opening range on a weekday, in the coach's local time (0 is Monday)."""

    __tablename__ = "weekly_hours"

    id: Mapped[int] = mapped_column(primary_key=True)
    coach_id: Mapped[int] = mapped_column(ForeignKey("coach.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int] = mapped_column(Integer)
    start: Mapped[time] = mapped_column(Time)
    end: Mapped[time] = mapped_column(Time)

    coach: Mapped[Coach] = relationship(back_populates="weekly_hours")

    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        CheckConstraint('start < "end"', name="start_before_end"),
    )


class DateOverride(db.Model):
    """A change to one local date: closed, replacement hours, or an extra opening."""

    __tablename__ = "date_override"

    id: Mapped[int] = mapped_column(primary_key=True)
    coach_id: Mapped[int] = mapped_column(ForeignKey("coach.id", ondelete="CASCADE"), index=True)
    date: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(10))
    start: Mapped[time | None] = mapped_column(Time)
    end: Mapped[time | None] = mapped_column(Time)
    note: Mapped[str] = mapped_column(String(200), default="")

    coach: Mapped[Coach] = relationship(back_populates="overrides")

    __table_args__ = (
        CheckConstraint("kind IN ('closed', 'hours', 'extra')", name="kind"),
        CheckConstraint(
            "(kind = 'closed' AND start IS NULL AND \"end\" IS NULL)"
            " OR (kind <> 'closed' AND start IS NOT NULL AND \"end\" IS NOT NULL"
            ' AND start < "end")',
            name="times_match_kind",
        ),
        Index("ix_date_override_coach_date", "coach_id", "date"),
    )


class Booking(db.Model):
    """A consultation. Times are UTC; `block_*` include the buffers and never overlap."""

    __tablename__ = "booking"

    id: Mapped[int] = mapped_column(primary_key=True)
    coach_id: Mapped[int] = mapped_column(ForeignKey("coach.id", ondelete="RESTRICT"), index=True)
    start_at: Mapped[datetime] = mapped_column(UTCDateTime)
    end_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The interval the booking keeps free of other bookings: start minus the
    # buffer before, end plus the buffer after, as the rules stood when booked.
    block_start: Mapped[datetime] = mapped_column(UTCDateTime)
    block_end: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(12), default="confirmed")
    visitor_name: Mapped[str] = mapped_column(String(120))
    visitor_email: Mapped[str] = mapped_column(String(254), index=True)
    visitor_phone: Mapped[str] = mapped_column(String(40), default="")
    message: Mapped[str] = mapped_column(Text, default="")
    visitor_timezone: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(20), default="direct")
    assessment_response_id: Mapped[int | None] = mapped_column(
        ForeignKey("assessment_response.id", ondelete="SET NULL")
    )
    manage_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    ics_sequence: Mapped[int] = mapped_column(Integer, default=0)
    coach_notes: Mapped[str] = mapped_column(Text, default="")
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_by: Mapped[str | None] = mapped_column(String(10))
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    coach: Mapped[Coach] = relationship()
    assessment_response = relationship("AssessmentResponse")

    __table_args__ = (
        CheckConstraint(
            "status IN ('confirmed', 'cancelled', 'completed', 'no_show')", name="status"
        ),
        CheckConstraint("start_at < end_at", name="start_before_end"),
        CheckConstraint(
            "block_start <= start_at AND end_at <= block_end", name="block_covers_booking"
        ),
        # SQLite: two live bookings may not share a start. Overlaps at other
        # starts are refused by the service inside BEGIN IMMEDIATE.
        Index(
            "uq_booking_live_start",
            "coach_id",
            "start_at",
            unique=True,
            sqlite_where=text("status <> 'cancelled'"),
            postgresql_where=text("status <> 'cancelled'"),
        ),
        # PostgreSQL: no two live bookings of a coach overlap, buffers included.
        ExcludeConstraint(
            (column("coach_id"), "="),
            (func.tstzrange(column("block_start"), column("block_end"), "[)"), "&&"),
            name="ex_booking_no_overlap",
            using="gist",
            where=text("status <> 'cancelled'"),
        ).ddl_if(dialect="postgresql"),
        Index("ix_booking_coach_block", "coach_id", "block_start", "block_end"),
    )

    @property
    def status_label(self) -> str:
        return self.status.replace("_", "-")

    @property
    def is_upcoming(self) -> bool:
        return self.status == "confirmed" and self.start_at > utcnow()

    def cancel(self, *, by: str, reason: str = "", at: datetime | None = None) -> None:
        """Cancel this booking, freeing its time; `by` is "visitor" or "coach"."""
        if by not in ("visitor", "coach"):
            raise ValueError(f"unknown canceller {by!r}")
        if self.status != "confirmed":
            raise BookingStateError(f"A {self.status_label} booking cannot be cancelled.")
        self.status = "cancelled"
        self.cancelled_at = at or utcnow()
        self.cancelled_by = by
        self.cancel_reason = reason.strip()
        self.ics_sequence += 1

    def mark(self, status: str, *, at: datetime | None = None) -> None:
        """Record how a past booking went: "completed" or "no_show"."""
        if status not in ("completed", "no_show"):
            raise ValueError(f"cannot mark a booking {status!r}")
        if self.status not in ("confirmed", "completed", "no_show"):
            raise BookingStateError("A cancelled booking cannot be marked.")
        if self.start_at > (at or utcnow()):
            raise BookingStateError("A booking can only be marked once its time has started.")
        self.status = status

    def move(self, start_at: datetime, end_at: datetime, block_start: datetime,
             block_end: datetime) -> None:
        """Move this confirmed booking in place (same row, same ICS UID, next SEQUENCE)."""
        if self.status != "confirmed":
            raise BookingStateError(f"A {self.status_label} booking cannot be moved.")
        self.start_at, self.end_at = start_at, end_at
        self.block_start, self.block_end = block_start, block_end
        self.ics_sequence += 1
        self.reminder_sent_at = None

    @property
    def ics_uid(self) -> str:
        return f"booking-{self.id}@coaching"
