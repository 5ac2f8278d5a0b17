"""Opening hours, date overrides, time off and booking rules."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, redirect, url_for
from flask_login import current_user
from sqlalchemy import select

from ..booking import services as booking_services
from ..booking.models import DateOverride
from ..db_types import utcnow
from ..extensions import db
from ..htmx import is_htmx, render
from . import schedule
from .availability_forms import WEEKDAYS, HoursForm, OverrideForm, RulesForm, TimeOffForm
from .blueprint import bp

TEMPLATE = "dashboard/availability.html"


def _today():
    return utcnow().astimezone(current_user.zone).date()


def _page(status: int = 200, block: str | None = None, **forms):
    """Render the availability page (or one block) with fresh forms unless given."""
    today = _today()
    upcoming = db.session.scalars(
        select(DateOverride)
        .where(DateOverride.coach_id == current_user.id, DateOverride.date >= today)
        .order_by(DateOverride.date, DateOverride.start)
    ).all()
    context = {
        "weekdays": WEEKDAYS,
        "hours_by_day": {day: sorted((h for h in current_user.weekly_hours if h.weekday == day),
                                     key=lambda h: h.start) for day in range(7)},
        "overrides": upcoming,
        "hours_form": forms.get("hours_form") or HoursForm(formdata=None),
        "hours_errors": forms.get("hours_errors", {}),
        "override_form": forms.get("override_form") or OverrideForm(formdata=None),
        "time_off_form": forms.get("time_off_form") or TimeOffForm(formdata=None),
        "rules_form": forms.get("rules_form") or RulesForm(formdata=None, obj=current_user),
        "slot_preview": slot_preview(current_user, utcnow()),
    }
    return render(TEMPLATE, block=block, status=status, **context)


def slot_preview(coach, now, days: int = 7) -> list[tuple]:
    """Return the next `days` local dates with the free slots the rules now offer on each."""
    today = now.astimezone(coach.zone).date()
    dates = [today + timedelta(days=offset) for offset in range(days)]
    by_day, _ = booking_services.free_days(coach, dates[0], dates[-1], coach.timezone, now)
    return [(day, [slot.start for slot in by_day.get(day, [])]) for day in dates]


def _done(message: str, block: str | None = None):
    if block and is_htmx():
        return _page(block=block)
    flash(message, "success")
    return redirect(url_for("dashboard.availability"), code=303)


@bp.get("/availability")
def availability():
    """Show opening hours, date changes and booking rules."""
    return _page()


@bp.post("/availability/hours")
def availability_hours_add():
    """Add an opening range to a weekday."""
    form = HoursForm()
    weekday = form.weekday.data if form.weekday.data in range(7) else -1
    if form.validate():
        try:
            schedule.add_weekly_range(current_user, form.weekday.data, form.start.data,
                                      form.end.data)
        except schedule.ScheduleError as error:
            form[error.field].errors = [*form[error.field].errors, error.message]
        else:
            db.session.commit()
            return _done(f"Added {WEEKDAYS[form.weekday.data]} hours.", block="weekly")
    db.session.rollback()
    messages = [msg for field in form for msg in field.errors]
    return _page(status=422, block="weekly", hours_form=form,
                 hours_errors={weekday: messages or ["Check the times."]})


@bp.post("/availability/hours/<int:hours_id>/delete")
def availability_hours_remove(hours_id: int):
    """Remove one opening range."""
    if schedule.remove_weekly_range(current_user, hours_id) is None:
        abort(404)
    db.session.commit()
    return _done("Removed the hours.", block="weekly")


@bp.post("/availability/overrides")
def availability_override_add():
    """Close a date, change its hours or add an extra opening."""
    form = OverrideForm()
    if form.validate():
        try:
            schedule.add_override(current_user, form.date.data, form.kind.data, form.start.data,
                                  form.end.data, (form.note.data or "").strip(), _today())
        except schedule.ScheduleError as error:
            form[error.field].errors = [*form[error.field].errors, error.message]
        else:
            db.session.commit()
            return _done("Saved the date change.")
    db.session.rollback()
    return _page(status=422, override_form=form)


@bp.post("/availability/overrides/<int:override_id>/delete")
def availability_override_remove(override_id: int):
    """Remove a date change."""
    if schedule.remove_override(current_user, override_id) is None:
        abort(404)
    db.session.commit()
    return _done("Removed the date change.")


@bp.post("/availability/time-off")
def availability_time_off():
    """Close every date in a range."""
    form = TimeOffForm()
    if form.validate():
        try:
            added = schedule.add_time_off(current_user, form.first.data, form.last.data,
                                          (form.note.data or "").strip(), _today())
        except schedule.ScheduleError as error:
            form[error.field].errors = [*form[error.field].errors, error.message]
        else:
            db.session.commit()
            return _done(f"Time off saved: {added} day{'s' if added != 1 else ''} closed.")
    db.session.rollback()
    return _page(status=422, time_off_form=form)


@bp.post("/availability/rules")
def availability_rules():
    """Save the booking rules."""
    form = RulesForm()
    if not form.validate():
        return _page(status=422, rules_form=form)
    values = {name: form[name].data for name in schedule.RULE_FIELDS}
    values["meeting_url"] = (values["meeting_url"] or "").strip()
    values["meeting_details"] = values["meeting_details"].strip()
    schedule.update_rules(current_user, values)
    db.session.commit()
    return _done("Booking rules saved.")
