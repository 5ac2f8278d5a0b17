"""The coach's bookings: list, search, one booking's page and its actions, CSV export."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, request, url_for
from flask_login import current_user

from ..booking import services as booking_services
from ..booking.models import BookingStateError
from ..extensions import db
from ..htmx import is_htmx, render
from . import booking_actions as actions
from .blueprint import bp
from .forms import CancelForm, ExportForm, MarkForm, MoveForm, NotesForm, SearchForm
from .pagination import paginate

PER_PAGE = 20


def _list_page(status: int = 200, export_form: ExportForm | None = None):
    search = SearchForm(request.args)
    show = search.show.data if search.show.data in actions.FILTERS else "upcoming"
    q = (search.q.data or "").strip()[:120]
    query = actions.list_query(current_user, show, q, actions.now())
    page = paginate(query, request.args.get("page"), PER_PAGE)
    if export_form is None:
        today = actions.now().astimezone(current_user.zone).date()
        export_form = ExportForm(formdata=None, start=today.replace(day=1), end=today)
    return render("dashboard/bookings.html", block="results", status=status, search=search,
                  show=show, q=q, page=page, export_form=export_form, filters=actions.FILTERS)


@bp.get("/bookings")
def bookings():
    """List bookings by filter, with a name or email search."""
    return _list_page()


@bp.get("/bookings/export.csv")
def bookings_export():
    """Download the bookings of a date range as CSV."""
    form = ExportForm(request.args)
    if not form.validate():
        return _list_page(status=422, export_form=form)
    body = actions.export_csv(current_user, form.start.data, form.end.data)
    filename = f"bookings-{form.start.data:%Y%m%d}-{form.end.data:%Y%m%d}.csv"
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _booking_page(booking, status: int = 200, block: str | None = None, **forms):
    started = booking.start_at <= actions.now()
    return render(
        "dashboard/booking.html", block=block, status=status, booking=booking,
        trail=actions.trail(booking), started=started,
        notes_form=forms.get("notes_form") or NotesForm(formdata=None, obj=booking),
        cancel_form=forms.get("cancel_form") or CancelForm(formdata=None),
        mark_form=MarkForm(formdata=None), problem=forms.get("problem"),
        notes_saved=forms.get("notes_saved", False),
        move_form=forms.get("move_form") or MoveForm(formdata=None),
        move_choices=(actions.move_choices(booking, actions.now())
                      if booking.status == "confirmed" else []),
    )


def _get_or_404(booking_id: int, for_update: bool = False):
    booking = actions.coach_booking(current_user, booking_id, for_update=for_update)
    if booking is None:
        abort(404)
    return booking


@bp.get("/bookings/<int:booking_id>")
def booking(booking_id: int):
    """Show one booking with the visitor's details, notes, actions and history."""
    return _booking_page(_get_or_404(booking_id))


@bp.post("/bookings/<int:booking_id>/notes")
def booking_notes(booking_id: int):
    """Save the coach's private notes (inline with htmx)."""
    booking = _get_or_404(booking_id)
    form = NotesForm()
    if not form.validate():
        return _booking_page(booking, status=422, block="notes", notes_form=form)
    actions.save_notes(booking, form.coach_notes.data or "")
    db.session.commit()
    if is_htmx():
        return _booking_page(booking, block="notes", notes_saved=True)
    flash("Notes saved.", "success")
    return redirect(url_for("dashboard.booking", booking_id=booking.id), code=303)


@bp.post("/bookings/<int:booking_id>/cancel")
def booking_cancel(booking_id: int):
    """Cancel the booking with a reason that goes into the visitor's email."""
    form = CancelForm()
    if not form.validate():
        return _booking_page(_get_or_404(booking_id), status=422, cancel_form=form)
    booking = _get_or_404(booking_id)
    try:
        booking_services.cancel(booking, by="coach", reason=form.reason.data)
    except BookingStateError as error:
        return _booking_page(_get_or_404(booking_id), status=409, problem=str(error))
    flash("Booking cancelled. The visitor's email is on its way.", "success")
    return redirect(url_for("dashboard.booking", booking_id=booking.id), code=303)


@bp.post("/bookings/<int:booking_id>/mark")
def booking_mark(booking_id: int):
    """Record that the call happened, or that the visitor did not come."""
    form = MarkForm()
    if not form.validate():
        return _booking_page(_get_or_404(booking_id), status=422,
                             problem="Choose completed or no-show.")
    booking = _get_or_404(booking_id, for_update=True)
    try:
        actions.mark(booking, form.status.data)
    except BookingStateError as error:
        db.session.rollback()
        return _booking_page(_get_or_404(booking_id), status=409, problem=str(error))
    db.session.commit()
    flash("Marked as " + ("completed." if form.status.data == "completed" else "no-show."),
          "success")
    return redirect(url_for("dashboard.booking", booking_id=booking.id), code=303)


@bp.post("/bookings/<int:booking_id>/reschedule")
def booking_reschedule(booking_id: int):
    """Move the call to another free time on the visitor's behalf."""
    booking = _get_or_404(booking_id)
    form = MoveForm()
    if not form.validate():
        return _booking_page(booking, status=422, move_form=form)
    try:
        booking_services.reschedule(booking, form.start.data, by="coach")
    except booking_services.SlotUnavailable as error:
        return _booking_page(_get_or_404(booking_id), status=409, problem=error.message)
    except booking_services.InvalidBooking as error:
        form.start.errors.append(error.message)
        return _booking_page(_get_or_404(booking_id), status=422, move_form=form)
    except BookingStateError as error:
        return _booking_page(_get_or_404(booking_id), status=409, problem=str(error))
    flash("Call moved. The visitor's email with the new time is on its way.", "success")
    return redirect(url_for("dashboard.booking", booking_id=booking_id), code=303)
