"""The coach's personal-data tools: export everything about one email, or erase it."""

from __future__ import annotations

import json
from datetime import timedelta

from flask import Response, redirect, request, url_for
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField
from wtforms.validators import DataRequired, Email, Length

from ..consent.services import counts
from ..db_types import utcnow
from ..extensions import db
from ..htmx import render
from ..privacy import services
from . import audit
from .blueprint import bp


class EmailForm(FlaskForm):
    class Meta:
        csrf = False  # CSRFProtect already checks every POST's csrf_token field

    email = EmailField(
        "Visitor's email address",
        validators=[DataRequired("Enter the email address."), Length(max=254),
                    Email("Enter an email address like name@example.com.")],
    )


class EraseForm(EmailForm):
    confirm = HiddenField()


def _page(status: int = 200, **context):
    if "export_form" not in context:
        context["export_form"] = EmailForm(prefix="export", formdata=None)
    if "erase_form" not in context:
        context["erase_form"] = EraseForm(prefix="erase", formdata=None)
    now = utcnow()
    context["consent_counts"] = counts(now - timedelta(days=30), now)
    return render("dashboard/privacy.html", status=status, **context)


@bp.get("/privacy")
def privacy():
    """Show the export and erase forms."""
    erased = request.args.get("erased")
    return _page(erased=erased if erased and erased.isdigit() else None)


@bp.post("/privacy/export")
def privacy_export():
    """Download everything held about one email address as JSON."""
    form = EmailForm(prefix="export")
    if not form.validate():
        return _page(status=422, export_form=form)
    data = services.export(form.email.data)
    data["exported_at"] = utcnow().isoformat()
    audit.record("privacy.export", bookings=len(data["bookings"]), emails=len(data["emails"]))
    db.session.commit()
    response = Response(json.dumps(data, indent=2, ensure_ascii=False),
                        mimetype="application/json")
    response.headers["Content-Disposition"] = 'attachment; filename="personal-data.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/privacy/erase")
def privacy_erase():
    """Ask to confirm an erasure, then erase everything held about one email address."""
    form = EraseForm(prefix="erase")
    if not form.validate():
        return _page(status=422, erase_form=form)
    if form.confirm.data != "yes":
        return _page(confirm_form=form, held=services.summary(form.email.data),
                     erase_form=form)
    result = services.erase(form.email.data, utcnow())
    # The audit keeps counts, not the address: keeping it would undo the erasure.
    audit.record("privacy.erase", **result)
    db.session.commit()
    return redirect(url_for("dashboard.privacy", erased=result["bookings"]), code=303)
