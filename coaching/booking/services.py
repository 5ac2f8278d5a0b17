"""Booking services: every change to a booking, each in one transaction.

Views (public and, after merge, the dashboard) call these and map the errors:

    book(coach, start, *, name, email, tz, phone="", message="", assessment=None,
         now=None) -> Booked(booking, token)
    cancel(booking, by, reason="", *, now=None) -> Booking
    reschedule(booking, new_start, by, *, now=None, manage_url=None) -> Booking
    free_slots(coach, start_date, end_date, tz, now, *, exclude=None) -> list[Slot]
    slot_at(coach, start, now, *, exclude=None) -> Slot | None
    find_by_token(token) -> Booking | None
    current_coach() -> Coach | None

`by` is "visitor" or "coach". Errors: `SlotUnavailable` (409; `.alternatives`
holds the nearest free slots), `InvalidBooking` (422; `.message`), and the
model's `BookingStateError` (409: cancelled, already moved, in the past).
book/cancel/reschedule commit on success (with their outbox rows, metric and
audit event in the same transaction) and roll back on any error.

Why the transaction looks like this: on SQLite the write starts with
`BEGIN IMMEDIATE`, so the overlap check and the insert run under the one
writer lock and nobody can slip in between; the partial unique index on
(coach, start) backs it up. On PostgreSQL the coach row is locked
`FOR UPDATE` (which also makes the daily cap exact), and the exclusion
constraint `ex_booking_no_overlap` is the final word: its violation becomes
`SlotUnavailable`, never a 500.

The site has one coach: `current_coach()` returns the first one by id.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from flask import current_app, has_request_context
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError, OperationalError

from .. import metrics
from ..assessment.models import AssessmentResponse
from ..dashboard import audit
from ..db_types import utcnow
from ..extensions import db
from ..mail import notify
from ..sqlite import begin_immediate
from ..templating import absolute_url
from . import availability, queries, slotcache
from .availability import Rules, Slot
from .models import Booking, BookingStateError, Coach
from .queries import busy_between as _busy
from .queries import hours_between as _hours

# How far around a requested start to look for bookings that could matter to
# it (overlap or the same coach-local day): a local day never spans 2 days.
_NEIGHBOURHOOD = timedelta(days=2)


class BookingError(Exception):
    """A booking request the rules refuse; `message` is written for the visitor."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class InvalidBooking(BookingError):
    """The requested time was never on offer (past, off-grid, notice, horizon...)."""


class SlotUnavailable(BookingError):
    """The time was on offer but is taken now (or its day is full)."""

    def __init__(self, message: str, alternatives: list[Slot]):
        super().__init__(message)
        self.alternatives = alternatives


class Booked(NamedTuple):
    booking: Booking
    token: str


def hash_token(token: str) -> str:
    """Return the stored form of a manage token (only its SHA-256 is kept)."""
    return hashlib.sha256(token.encode()).hexdigest()


def manage_url(token: str) -> str:
    """Return the absolute manage-page URL for a token (works outside requests too)."""
    if has_request_context():
        return absolute_url("booking.manage", token=token)
    with current_app.test_request_context():
        return absolute_url("booking.manage", token=token)


def rules_for(coach: Coach) -> Rules:
    """Copy a coach's booking rules into the plain form the slot maths uses."""
    return Rules(
        timezone=coach.timezone,
        slot_minutes=coach.slot_minutes,
        step_minutes=coach.slot_step_minutes,
        buffer_before_minutes=coach.buffer_before_minutes,
        buffer_after_minutes=coach.buffer_after_minutes,
        min_notice_hours=coach.min_notice_hours,
        no_same_day=coach.no_same_day,
        horizon_days=coach.horizon_days,
        max_per_day=coach.max_per_day,
    )


def current_coach() -> Coach | None:
    """Return the site's coach (a single-coach site: the first by id)."""
    return db.session.scalar(queries.CURRENT_COACH)


def find_by_token(token: str) -> Booking | None:
    """Return the booking a manage token belongs to, or None (unknown or anonymised)."""
    if not token or len(token) > 100:
        return None
    booking = db.session.scalar(
        select(Booking).where(Booking.manage_token_hash == hash_token(token))
    )
    if booking is None or booking.anonymised_at is not None:
        return None
    return booking


def _slots_between(coach: Coach, begin: datetime, finish: datetime, now: datetime,
                   exclude_id: int | None = None) -> list[Slot]:
    busy = _busy(coach.id, begin - _NEIGHBOURHOOD, finish + _NEIGHBOURHOOD, exclude_id)
    weekly, overrides = _hours(coach.id, begin, finish)
    return availability.free_slots(rules_for(coach), weekly, overrides, busy, now, begin, finish)


def _cached_slots(coach: Coach, start_date: date, end_date: date, tz: str | ZoneInfo,
                  now: datetime, exclude: Booking | None) -> tuple[slotcache.Entry, int]:
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    begin, finish = availability.local_day_bounds(start_date, end_date, zone)
    busy = _busy(coach.id, begin - _NEIGHBOURHOOD, finish + _NEIGHBOURHOOD,
                 exclude.id if exclude else None)
    weekly, overrides = _hours(coach.id, begin, finish)
    return slotcache.lookup(rules_for(coach), weekly, overrides, busy, now, begin, finish)


def free_slots(coach: Coach, start_date: date, end_date: date, tz: str | ZoneInfo,
               now: datetime, *, exclude: Booking | None = None) -> list[Slot]:
    """Return the free slots on the local dates start_date..end_date (inclusive) in `tz`.

    With `exclude` (a booking being moved), its own time counts as free for
    its neighbours but is not offered itself.
    """
    entry, index = _cached_slots(coach, start_date, end_date, tz, now, exclude)
    if exclude is None:
        return entry.slots[index:]
    return [s for s in entry.slots[index:] if s.start != exclude.start_at]


def free_slots_json(coach: Coach, start_date: date, end_date: date, zone_name: str,
                    now: datetime) -> str:
    """Return the slots API body for the local dates start_date..end_date in `zone_name`."""
    entry, index = _cached_slots(coach, start_date, end_date, zone_name, now, None)
    return slotcache.slots_json(entry, index, zone_name)


class DaysSource(NamedTuple):
    """Where a free_days() answer came from: equal sources give equal answers."""

    entry: slotcache.Entry
    index: int
    zone_name: str
    exclude_start: datetime | None


def free_days(coach: Coach, start_date: date, end_date: date, zone_name: str, now: datetime,
              *, exclude: Booking | None = None) -> tuple[dict[date, list[Slot]], DaysSource]:
    """Return the free slots of start_date..end_date grouped by their local date in `zone_name`,
    and their source (for memoising what is rendered from them)."""
    entry, index = _cached_slots(coach, start_date, end_date, zone_name, now, exclude)
    days = slotcache.group_by_local_date(entry, index, zone_name)
    exclude_start = exclude.start_at if exclude is not None else None
    if exclude_start is not None:
        days = {day: kept for day, slots in days.items()
                if (kept := [s for s in slots if s.start != exclude_start])}
    return days, DaysSource(entry, index, zone_name, exclude_start)


def slot_at(coach: Coach, start: datetime, now: datetime, *,
            exclude: Booking | None = None) -> Slot | None:
    """Return the free slot starting exactly at `start`, or None."""
    start = start.astimezone(UTC)
    found = _slots_between(coach, start, start + timedelta(seconds=1), now,
                           exclude.id if exclude else None)
    return found[0] if found and found[0].start == start else None


def alternatives(coach: Coach, wanted: datetime, now: datetime,
                 exclude_id: int | None = None, limit: int = 5) -> list[Slot]:
    """Return the free slots nearest to `wanted`."""
    first, last = availability.first_and_last_day(rules_for(coach), now)
    begin, finish = availability.local_day_bounds(first, last, coach.zone)
    return availability.nearest(_slots_between(coach, begin, finish, now, exclude_id),
                                wanted, limit)


def as_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidBooking("The time must include its offset from UTC.")
    return moment.astimezone(UTC)


def _begin_write() -> None:
    """Start a new transaction that takes the SQLite write lock at once (BEGIN IMMEDIATE)."""
    session = db.session
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("booking services need a session without unsaved changes")
    # Loaded objects are expired and reload inside the locked transaction,
    # which is what we want.
    begin_immediate(session)


_LOCK_COACH = (select(Coach).where(Coach.id == bindparam("coach_id")).with_for_update()
               .execution_options(populate_existing=True))
_LOCK_CURRENT_COACH = (select(Coach).order_by(Coach.id).limit(1).with_for_update()
                       .execution_options(populate_existing=True))


def _lock_coach(coach_id: int) -> Coach:
    return db.session.execute(_LOCK_COACH, {"coach_id": coach_id}).scalar_one()


def _lock_booking(booking_id: int) -> Booking:
    return db.session.execute(
        select(Booking).where(Booking.id == booking_id).with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()


def _offered_slot(coach: Coach, start: datetime, now: datetime,
                  exclude_id: int | None = None) -> Slot:
    """Return the slot starting at `start` if the rules offer it now, else raise."""
    tick = timedelta(seconds=1)
    found = _slots_between(coach, start, start + tick, now, exclude_id)
    if found and found[0].start == start:
        return found[0]
    rules = rules_for(coach)
    offered_when_empty = availability.free_slots(
        rules, *_hours(coach.id, start, start + tick), [], now, start, start + tick
    )
    if offered_when_empty and offered_when_empty[0].start == start:
        raise SlotUnavailable(
            "Sorry, that time is no longer free: someone may have just booked it, "
            "or the day is now full. Here are the nearest free times.",
            [],
        )
    raise InvalidBooking(availability.why_not_offered(rules, start, now))


def _taken(coach_id: int, wanted: datetime, now: datetime,
           exclude_id: int | None = None) -> SlotUnavailable:
    db.session.rollback()
    coach = db.session.get(Coach, coach_id)
    return SlotUnavailable(
        "Sorry, that time is no longer free: someone may have just booked it, "
        "or the day is now full. Here are the nearest free times.",
        alternatives(coach, wanted, now, exclude_id),
    )


def _lost_a_race(exc: OperationalError) -> bool:
    """Tell whether PostgreSQL chose this transaction as a deadlock victim.

    Two writers that each insert a row the other's row conflicts with wait
    on each other inside the exclusion constraint check; PostgreSQL aborts
    one (SQLSTATE 40P01). The coach row lock normally orders bookings so this
    cannot happen; if it does, the other writer holds the time: a conflict.
    """
    return getattr(exc.orig, "sqlstate", None) == "40P01"


class NoCoach(LookupError):
    """The site has no coach yet, so nothing can be booked."""


def _lock_current_coach() -> Coach:
    coach = db.session.execute(_LOCK_CURRENT_COACH).scalar_one_or_none()
    if coach is None:
        raise NoCoach()
    return coach


def book(coach: Coach | None, start: datetime, *, name: str, email: str, tz: str,
         phone: str = "", message: str = "", assessment: AssessmentResponse | None = None,
         now: datetime | None = None) -> Booked:
    """Book `start` for a visitor, queue the emails and commit; return the booking and token.

    `coach=None` books with the site's coach (`current_coach()`), found and
    locked inside the booking's own transaction: the public form needs no
    read transaction before it, which saves several round trips per booking.
    Raises NoCoach if there is none.
    """
    now = now or utcnow()
    start = as_utc(start)
    coach_id = coach.id if coach is not None else None
    assessment_id = assessment.id if assessment is not None else None
    _begin_write()
    try:
        coach = _lock_coach(coach_id) if coach_id is not None else _lock_current_coach()
        coach_id = coach.id
        slot = _offered_slot(coach, start, now)
        token = secrets.token_urlsafe(32)
        booking = Booking(
            coach=coach, start_at=slot.start, end_at=slot.end,
            block_start=slot.start - timedelta(minutes=coach.buffer_before_minutes),
            block_end=slot.end + timedelta(minutes=coach.buffer_after_minutes),
            status="confirmed", visitor_name=name, visitor_email=email,
            visitor_phone=phone, message=message, visitor_timezone=tz,
            source="assessment" if assessment_id else "direct",
            assessment_response_id=assessment_id, manage_token_hash=hash_token(token),
        )
        db.session.add(booking)
        db.session.flush()  # PostgreSQL's exclusion constraint speaks here
        notify.booking_confirmed(booking, manage_url(token))
        audit.add("booking.created", coach_id=coach_id, actor="visitor", booking_id=booking.id,
                  start=slot.start.isoformat())
        metrics.count("booking_made")
        db.session.commit()
    except SlotUnavailable:
        raise _taken(coach_id, start, now) from None
    except IntegrityError:
        raise _taken(coach_id, start, now) from None
    except OperationalError as exc:
        if coach_id is None or not _lost_a_race(exc):
            db.session.rollback()
            raise
        raise _taken(coach_id, start, now) from None
    except BaseException:
        db.session.rollback()
        raise
    return Booked(booking, token)


def cancel(booking: Booking, by: str, reason: str = "", *,
           now: datetime | None = None) -> Booking:
    """Cancel a confirmed booking (a visitor only before it starts), queue mail, commit."""
    now = now or utcnow()
    booking_id = booking.id
    _begin_write()
    try:
        booking = _lock_booking(booking_id)
        if by == "visitor" and booking.status == "confirmed" and booking.start_at <= now:
            raise BookingStateError("This call has already started, so it can no longer be "
                                    "cancelled online. Please email the coach instead.")
        booking.cancel(by=by, reason=reason, at=now)
        notify.booking_cancelled(booking)
        audit.add("booking.cancelled", coach_id=booking.coach_id, actor=by,
                  booking_id=booking.id, reason=booking.cancel_reason)
        metrics.count("booking_cancelled")
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return booking


def reschedule(booking: Booking, new_start: datetime, by: str, *, now: datetime | None = None,
               manage_url: str | None = None) -> Booking:
    """Move a confirmed booking to a free slot in one transaction, queue mail, commit.

    The row is updated in place, so the old time frees only if the new one is
    taken; if the new one has gone, nothing changes and SlotUnavailable is raised.
    """
    now = now or utcnow()
    new_start = as_utc(new_start)
    booking_id, coach_id = booking.id, booking.coach_id
    _begin_write()
    try:
        coach = _lock_coach(coach_id)  # coach first, as in book(): one lock order, no deadlock
        booking = _lock_booking(booking_id)
        if booking.status != "confirmed":
            raise BookingStateError(f"A {booking.status_label} booking cannot be moved.")
        if by == "visitor" and booking.start_at <= now:
            raise BookingStateError("This call has already started, so it can no longer be "
                                    "moved online. Please email the coach instead.")
        if new_start == booking.start_at:
            raise InvalidBooking("That is already the time of your call. Please choose another.")
        slot = _offered_slot(coach, new_start, now, exclude_id=booking_id)
        previous = booking.start_at
        booking.move(slot.start, slot.end,
                     slot.start - timedelta(minutes=coach.buffer_before_minutes),
                     slot.end + timedelta(minutes=coach.buffer_after_minutes))
        db.session.flush()
        notify.booking_rescheduled(booking, previous, manage_url)
        audit.add("booking.rescheduled", coach_id=coach_id, actor=by, booking_id=booking.id,
               previous=previous.isoformat(), start=slot.start.isoformat())
        db.session.commit()
    except (SlotUnavailable, IntegrityError):
        raise _taken(coach_id, new_start, now, exclude_id=booking_id) from None
    except OperationalError as exc:
        if not _lost_a_race(exc):
            db.session.rollback()
            raise
        raise _taken(coach_id, new_start, now, exclude_id=booking_id) from None
    except BaseException:
        db.session.rollback()
        raise
    return booking
