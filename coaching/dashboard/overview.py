"""The overview: the week ahead and the last 30 days in numbers."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time, timedelta

from flask_login import current_user
from sqlalchemy import func, select

from .. import metrics
from ..booking.models import Booking
from ..db_types import utcnow
from ..extensions import db
from ..htmx import render
from .blueprint import bp
from .charts import bar_chart

DAYS_AHEAD = 7
PERIOD_DAYS = 30


def upcoming_by_day(coach, now: datetime) -> list[tuple]:
    """Return [(local date, [bookings])] for today and the next seven days, in the coach's zone."""
    zone = coach.zone
    today = now.astimezone(zone).date()
    start = datetime.combine(today, time(), zone)
    end = datetime.combine(today + timedelta(days=DAYS_AHEAD + 1), time(), zone)
    bookings = db.session.scalars(
        select(Booking)
        .where(Booking.coach_id == coach.id, Booking.status != "cancelled",
               Booking.start_at >= start, Booking.start_at < end)
        .order_by(Booking.start_at)
    ).all()
    days = defaultdict(list)
    for booking in bookings:
        days[booking.start_at.astimezone(zone).date()].append(booking)
    return [(today + timedelta(days=n), days.get(today + timedelta(days=n), []))
            for n in range(DAYS_AHEAD + 1)]


def period_numbers(coach, now: datetime) -> dict:
    """Return the last 30 days' counts, counters plus no-shows from the bookings."""
    last = now.astimezone(coach.zone).date()
    first = last - timedelta(days=PERIOD_DAYS - 1)
    totals = metrics.totals(first, last)
    no_shows = db.session.scalar(
        select(func.count()).select_from(Booking).where(
            Booking.coach_id == coach.id, Booking.status == "no_show",
            Booking.start_at >= now - timedelta(days=PERIOD_DAYS), Booking.start_at <= now)
    )
    return {
        "first": first, "last": last,
        "article_views": totals["article_view"],
        "assessments": totals["assessment_complete"],
        "bookings": totals["booking_made"],
        "cancellations": totals["booking_cancelled"],
        "no_shows": int(no_shows or 0),
    }


@bp.get("/")
def overview():
    """Show the week ahead and the last 30 days' numbers."""
    now = utcnow()
    numbers = period_numbers(current_user, now)
    funnel = [("Article views", numbers["article_views"]),
              ("Assessments completed", numbers["assessments"]),
              ("Bookings made", numbers["bookings"])]
    return render("dashboard/overview.html", days=upcoming_by_day(current_user, now),
                  today=now.astimezone(current_user.zone).date(), numbers=numbers,
                  funnel=funnel, chart=bar_chart(funnel))
