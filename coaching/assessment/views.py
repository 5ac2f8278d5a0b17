"""The self-assessment: one form without JavaScript, one statement at a time with htmx.

The server keeps no state between steps: each step's form carries the earlier
answers as hidden inputs, so going back and forth loses nothing and any step
can be checked by the same rules as the whole form.
"""

from __future__ import annotations

from babel.dates import format_date
from flask import Blueprint, Response, abort, redirect, request, url_for

from ..htmx import is_htmx, render
from ..templating import absolute_url
from . import forms, services
from .instrument import INSTRUMENT, SCALE

bp = Blueprint("assessment", __name__)


def _page(template: str, status: int = 200, **context) -> Response:
    return render(
        template,
        block="flow",
        status=status,
        instrument=INSTRUMENT,
        scale=SCALE,
        fragment=is_htmx(),
        **context,
    )


def _step(
    number: int, submission: forms.Submission, status: int = 200, focus: bool = True
) -> Response:
    return _page(
        "assessment/step.html",
        status=status,
        step=number,
        total=len(INSTRUMENT.items),
        current=INSTRUMENT.items[number - 1],
        submission=submission,
        focus=focus,
    )


@bp.get("/assessment")
def start():
    """Show the assessment: every statement, or one step of it when `step` is given."""
    step = request.args.get("step")
    if step is None:
        # Count real first visits only: not HEAD, not htmx (a history restore is htmx too).
        if request.method == "GET" and request.headers.get("HX-Request") != "true":
            services.record_start()
        return _page("assessment/form.html", submission=forms.Submission())
    number = forms.parse_step(step, len(INSTRUMENT.items))
    if number is None:
        abort(404)
    # The first step arrives right after the page loads: leave focus where the visitor is.
    return _step(number, forms.Submission(step=number), focus=False)


@bp.post("/assessment")
def submit():
    """Check the answers, then show the next step or store the result."""
    if forms.too_large(request.content_length):
        return _page("assessment/form.html", status=422, submission=forms.oversized_submission())
    submission = forms.read(request.form, INSTRUMENT)
    if submission.step is None:
        submission.require(INSTRUMENT, [item.id for item in INSTRUMENT.items])
        if not submission.ok:
            return _page("assessment/form.html", status=422, submission=submission)
        return _finish(submission)

    forms.check_step(submission, INSTRUMENT)
    if not submission.ok:
        return _step(forms.first_problem_step(submission, INSTRUMENT), submission, status=422)
    if submission.go == "back":
        return _step(max(submission.step - 1, 1), submission)
    if submission.step < len(INSTRUMENT.items):
        return _step(submission.step + 1, submission)
    return _finish(submission)


def _finish(submission: forms.Submission) -> Response:
    response = services.save_result(INSTRUMENT, submission.answers)
    location = url_for("assessment.result", public_id=response.public_id)
    if not is_htmx():
        return redirect(location, code=303)
    # htmx swaps the result in place; the pushed URL makes it bookmarkable.
    page = _result_page(response)
    page.headers["HX-Push-Url"] = location
    return page


@bp.get("/assessment/results/<public_id>")
def result(public_id: str):
    """Show a stored result to whoever has its private address."""
    response = services.get_result(public_id)
    if response is None:
        abort(404)
    return _result_page(response)


def _result_page(response) -> Response:
    instrument = services.get_instrument_for(response)
    page = _page(
        "assessment/result.html",
        response=response,
        label=services.orientation_label(response.orientation),
        profile=instrument.profiles.get(response.orientation),
        readings=services.readings(response),
        leaning_words=services.LEANING_WORDS,
        overall=(response.scores or {}).get("overall"),
        taken_on=format_date(response.created_at.date(), format="long", locale="en_GB"),
        result_url=absolute_url("assessment.result", public_id=response.public_id),
    )
    page.headers["X-Robots-Tag"] = "noindex"
    page.headers["Cache-Control"] = "private, no-store"
    return page
