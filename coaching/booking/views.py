"""The public booking calendar, the booking form, the visitor's manage page and the slots API."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from urllib.parse import quote_plus

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    make_response,
    redirect,
    request,
    url_for,
)
from jinja2_fragments.flask import render_block
from sqlalchemy import select

from .. import metrics
from ..assessment.models import AssessmentResponse
from ..db_types import utcnow
from ..extensions import db, limiter
from ..htmx import is_htmx, render
from . import services
from .calendar import month_view, parse_day, parse_month, visitor_zone
from .formatting import HELPERS
from .forms import BookingForm, CancelForm, RescheduleForm, is_zone, parse_start
from .models import Booking, BookingStateError, Coach
from .slotcache import iso_z

bp = Blueprint("booking", __name__)

API_MAX_DAYS = 62
NO_COACH = "Bookings are not open yet. Please come back soon."
# What Werkzeug leaves unescaped in a query string (werkzeug.urls._urlencode).
QUERY_SAFE = "!$'()*,/:;?@"


@bp.context_processor
def _template_helpers() -> dict:
    return {**HELPERS, "iso_utc": iso_utc}


def iso_utc(moment: datetime) -> str:
    """Write an instant as ISO 8601 UTC with a Z, the form links and the API use."""
    return iso_z(moment)


def _coach() -> Coach:
    coach = services.current_coach()
    if coach is None:
        abort(404, NO_COACH)
    return coach


def _assessment(public_id: str | None) -> AssessmentResponse | None:
    if not public_id or len(public_id) > 43:
        return None
    return db.session.scalar(
        select(AssessmentResponse).where(AssessmentResponse.public_id == public_id)
    )


def _booking(token: str) -> Booking:
    booking = services.find_by_token(token)
    if booking is None:
        abort(404, "We could not find that booking. Please check the link in your email.")
    return booking


@lru_cache(maxsize=4096)
def _quote(value: str) -> str:
    """Quote a query key or value as urlencode(..., safe=QUERY_SAFE) does (Werkzeug's url_for)."""
    return quote_plus(value, safe=QUERY_SAFE)


def _link_maker(endpoint: str, base: dict, path: dict | None = None):
    """Return a function building calendar links that keep the zone (and result) along.

    The path is built once with url_for; the query string is encoded the way
    Werkzeug encodes url_for's extra arguments (same order, same safe
    characters): a month grid asks for dozens of links per response.
    """
    prefix = url_for(endpoint, **(path or {}))

    def link(**changes) -> str:
        params = {**base, **changes}
        for key, value in list(params.items()):
            if isinstance(value, datetime):
                params[key] = iso_utc(value)
            elif hasattr(value, "isoformat"):
                params[key] = value.isoformat()[: 7 if key == "month" else 10]
        query = "&".join(f"{_quote(k)}={_quote(v)}" for k, v in params.items()
                         if v not in (None, ""))
        return f"{prefix}?{query}" if query else prefix

    link.key = (prefix, tuple(base.items()))  # what the links depend on, for memoising
    return link


def _calendar_page(coach: Coach, zone_name: str, link, *, status: int = 200, notice: str = "",
                   exclude: Booking | None = None, **context):
    view = month_view(coach, zone_name, parse_month(request.args.get("month")),
                      parse_day(request.args.get("date")), utcnow(), exclude=exclude)
    if not is_htmx():
        return render("booking/calendar.html", status=status, view=view, coach=coach,
                      link=link, notice=notice, **context)
    # The fragment reads only the view, the links and the slot length (see
    # MonthView.key), so it is rendered once per slot memo entry and key.
    key = ("booking/calendar.html#calendar", view.key(), link.key, coach.slot_minutes)
    body = view.source.entry.fragment(key, lambda: render_block(
        "booking/calendar.html", "calendar", view=view, coach=coach, link=link,
        notice=notice, **context))
    response = make_response(body, status)
    response.vary.add("HX-Request")
    return response


def _details(form: BookingForm, coach: Coach, zone_name: str, assessment, *, status: int = 200,
             problem: str = "", alternatives=()):
    return render("booking/details.html", block="details", status=status, form=form,
                  coach=coach, zone_name=zone_name, start=form.start_at, assessment=assessment,
                  problem=problem, alternatives=alternatives,
                  link=_link_maker("booking.calendar", {
                      "tz": zone_name, "result": assessment.public_id if assessment else None}))


@bp.get("/book")
def calendar():
    """Show the month's free days, a chosen day's times, or the form for a chosen time."""
    coach = _coach()
    zone_name = visitor_zone(request.args.get("tz"), coach)
    assessment = _assessment(request.args.get("result"))
    if not is_htmx():
        metrics.count_view("booking_page_view")
    link = _link_maker("booking.calendar", {
        "tz": zone_name, "result": assessment.public_id if assessment else None})
    notice = ""
    start = parse_start(request.args.get("start"))
    if start is not None:
        if services.slot_at(coach, start, utcnow()) is not None:
            form = BookingForm(formdata=None, start=iso_utc(start), tz=zone_name,
                               assessment=assessment.public_id if assessment else "")
            form.start_at = start
            return _details(form, coach, zone_name, assessment)
        notice = "Sorry, that time is no longer available. Please choose another."
    return _calendar_page(coach, zone_name, link, notice=notice, assessment=assessment,
                          mode="book")


def _email_key() -> str:
    return "book-email:" + (request.form.get("email") or "").strip().lower()[:254]


@bp.post("/book")
@limiter.limit(lambda: current_app.config.get("BOOKING_LIMIT_PER_IP", "20 per hour"),
               scope="book-ip")
@limiter.limit(lambda: current_app.config.get("BOOKING_LIMIT_PER_EMAIL", "5 per hour"),
               key_func=_email_key, scope="book-email",
               exempt_when=lambda: not (request.form.get("email") or "").strip())
def create():
    """Book the chosen time, or show the form again with what needs fixing."""
    form = BookingForm()
    assessment = _assessment(form.assessment.data)
    if form.website.data:
        _coach()
        # A bot filled the hidden field: answer like a success so it learns
        # nothing, but store and send nothing.
        current_app.logger.info("booking honeypot filled; nothing stored")
        return redirect(url_for("booking.calendar"), 303)

    def again(status: int, **problem):
        # The coach is read only on this path: a booking finds and locks it
        # in its own transaction (services.book with coach=None).
        coach = _coach()
        zone_name = form.tz.data if is_zone(form.tz.data) else coach.timezone
        return _details(form, coach, zone_name, assessment, status=status, **problem)

    if not form.validate():
        return again(422)
    shared = assessment if assessment is not None and form.share_assessment.data else None
    try:
        booked = services.book(
            None, form.start_at, name=form.name.data, email=form.email.data, tz=form.tz.data,
            phone=form.phone.data or "", message=form.message.data or "", assessment=shared,
        )
    except services.NoCoach:
        abort(404, NO_COACH)
    except services.InvalidBooking as exc:
        return again(422, problem=exc.message)
    except services.SlotUnavailable as exc:
        return again(409, problem=exc.message, alternatives=exc.alternatives)
    return redirect(url_for("booking.manage", token=booked.token, booked=1), 303)


def _no_store(response):
    # The page is reached by a secret link: keep it out of shared caches.
    response.headers["Cache-Control"] = "no-store"
    return response


def _manage_zone(booking: Booking) -> str:
    return visitor_zone(request.args.get("tz") or booking.visitor_timezone, booking.coach)


def _why_unchangeable(booking: Booking) -> str:
    if booking.status == "cancelled":
        return "This call has been cancelled, so it cannot be changed."
    if booking.status != "confirmed" or booking.start_at <= utcnow():
        return "This call has already taken place or started, so it cannot be changed online."
    return ""


@bp.get("/bookings/<token>")
def manage(token: str):
    """Show a visitor their booking, with links to cancel or move it."""
    booking = _booking(token)
    return _no_store(render("booking/manage.html", booking=booking, token=token,
                            zone_name=_manage_zone(booking), problem=_why_unchangeable(booking),
                            just_booked=request.args.get("booked") == "1"))


@bp.route("/bookings/<token>/cancel", methods=["GET", "POST"])
def cancel(token: str):
    """Ask the visitor to confirm the cancellation (GET); cancel the booking (POST)."""
    booking = _booking(token)
    zone_name = _manage_zone(booking)
    problem = _why_unchangeable(booking)
    if problem:
        return _no_store(render("booking/cancel.html", block="content", status=409,
                                booking=booking, token=token, zone_name=zone_name,
                                problem=problem, form=None))
    form = CancelForm()
    if request.method == "POST":
        if not form.validate():
            return _no_store(render("booking/cancel.html", status=422, booking=booking,
                                    token=token, zone_name=zone_name, problem="", form=form))
        try:
            services.cancel(booking, "visitor", form.reason.data or "")
        except BookingStateError as exc:
            db.session.rollback()
            return _no_store(render("booking/cancel.html", status=409, booking=_booking(token),
                                    token=token, zone_name=zone_name, problem=str(exc),
                                    form=None))
        return redirect(url_for("booking.manage", token=token), 303)
    return _no_store(render("booking/cancel.html", booking=booking, token=token,
                            zone_name=zone_name, problem="", form=form))


@bp.get("/bookings/<token>/reschedule")
def reschedule(token: str):
    """Show the calendar to pick a new time, or ask to confirm the chosen one."""
    booking = _booking(token)
    coach = booking.coach
    zone_name = visitor_zone(request.args.get("tz") or booking.visitor_timezone, coach)
    problem = _why_unchangeable(booking)
    if problem:
        return _no_store(render("booking/cancel.html", status=409, booking=booking,
                                token=token, zone_name=zone_name, problem=problem, form=None))
    link = _link_maker("booking.reschedule", {"tz": zone_name}, {"token": token})
    start = parse_start(request.args.get("start"))
    notice = ""
    if start is not None:
        if start != booking.start_at and services.slot_at(
                coach, start, utcnow(), exclude=booking) is not None:
            form = RescheduleForm(formdata=None, start=iso_utc(start))
            return _no_store(render("booking/reschedule.html", booking=booking, token=token,
                                    zone_name=zone_name, start=start, form=form, link=link,
                                    problem="", alternatives=()))
        notice = "Sorry, that time is no longer available. Please choose another."
    return _no_store(_calendar_page(coach, zone_name, link, notice=notice, exclude=booking,
                                    booking=booking, token=token, mode="reschedule"))


@bp.post("/bookings/<token>/reschedule")
def move(token: str):
    """Move the booking to the confirmed new time."""
    booking = _booking(token)
    zone_name = _manage_zone(booking)
    link = _link_maker("booking.reschedule", {"tz": zone_name}, {"token": token})
    form = RescheduleForm()

    def page(status: int, problem: str = "", alternatives=()):
        current = _booking(token)
        return _no_store(render("booking/reschedule.html", block="confirm", status=status,
                                booking=current, token=token, zone_name=zone_name,
                                start=form.start_at, form=form, link=link, problem=problem,
                                alternatives=alternatives))

    problem = _why_unchangeable(booking)
    if problem:
        return page(409, problem)
    if not form.validate():
        return page(422)
    try:
        services.reschedule(booking, form.start_at, "visitor",
                            manage_url=services.manage_url(token))
    except services.InvalidBooking as exc:
        return page(422, exc.message)
    except services.SlotUnavailable as exc:
        return page(409, exc.message, exc.alternatives)
    except BookingStateError as exc:
        return page(409, str(exc))
    return redirect(url_for("booking.manage", token=token, moved=1), 303)


@bp.get("/api/v1/slots")
def api_slots():
    """List the free slots on the local dates start..end (inclusive) as JSON."""
    start, end = parse_day(request.args.get("start")), parse_day(request.args.get("end"))
    zone_name = request.args.get("tz", "")
    if start is None or end is None:
        abort(400, "start and end are required, as dates in the form YYYY-MM-DD.")
    if end < start:
        abort(400, "end must not be before start.")
    if (end - start).days + 1 > API_MAX_DAYS:
        abort(400, f"The range may cover at most {API_MAX_DAYS} days.")
    if not is_zone(zone_name):
        abort(400, "tz must be an IANA time zone name, like Europe/London.")
    coach = services.current_coach()
    if coach is None:
        return jsonify(timezone=zone_name, slots=[])
    body = services.free_slots_json(coach, start, end, zone_name, utcnow())
    return current_app.response_class(body, mimetype="application/json")
