"""Cookie consent: the banner's form, the settings page and the cookie policy.

`POST /consent` is exempt from the CSRF token on purpose: the banner is on
every page, and a token there would need a session cookie on every first
visit. Instead the view refuses any request whose Sec-Fetch-Site, Origin or
Referer does not prove it came from this site (see `services.is_same_origin`).
"""

from __future__ import annotations

from babel.dates import format_date
from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for

from ..db_types import utcnow
from ..extensions import csrf, db, limiter
from ..htmx import is_htmx, render
from . import allow_origin, current_state, services, state, template_context, vary_on_consent
from .registry import CATEGORIES, COOKIES

bp = Blueprint("consent", __name__)
bp.app_context_processor(template_context)
bp.add_app_template_global(allow_origin, "consent_allow_origin")
bp.after_app_request(vary_on_consent)


@bp.get("/cookies")
def policy():
    """Show the cookie policy and the cookie settings form."""
    return render("consent/policy.html", cookies=COOKIES, categories=CATEGORIES)


@bp.get("/consent")
def settings():
    """Show the cookie choices."""
    return _settings_page(saved=request.args.get("saved") == "1")


def _settings_page(status: int = 200, **context):
    decided_at = current_state().decided_at
    decided_on = format_date(decided_at, format="long", locale="en_GB") if decided_at else ""
    return render("consent/settings.html", status=status, decided_on=decided_on, **context)


@bp.post("/consent")
@csrf.exempt
@limiter.limit("30 per minute")  # each decision writes a proof row; stop floods
def decide():
    """Save the visitor's cookie choices and return to the page they came from."""
    if not services.is_same_origin(request):
        abort(400, "Cookie choices can only be saved from this site's own pages.")
    target = services.safe_next(request.form.get("next"), url_for("consent.settings", saved=1))
    if target is None:
        abort(400, "That return address is not a page of this site.")
    revision = current_app.config["CONSENT_POLICY_REVISION"]
    previous = current_state()
    try:
        decision = services.parse_decision(request.form, previous, revision)
    except services.ConsentInputError as exc:
        if is_htmx():
            body = render_template("consent/_banner_panel.html", consent_error=str(exc),
                                   consent_next=target)
            return _htmx_response(body, 422)
        return _settings_page(status=422, consent_error=str(exc), saved=False)

    decided = state.new_state(decision.choices, previous=previous, now=utcnow(),
                              gpc=state.gpc_requested(request))
    services.record(decided, services.recorded_action(decision, previous), request)
    db.session.commit()

    if is_htmx():
        response = _htmx_response(render_template("consent/_saved.html", saved=decided), 200)
    else:
        response = redirect(target, code=303)
    state.write(response, decided, present=request.cookies.keys())
    return response


def _htmx_response(body: str, status: int):
    response = current_app.make_response((body, status))
    response.vary.add("HX-Request")
    return response
