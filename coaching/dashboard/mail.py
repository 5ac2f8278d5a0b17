"""The outbox as the coach sees it: what was sent, what failed, and a retry."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from sqlalchemy import select

from ..db_types import utcnow
from ..extensions import db
from ..htmx import render
from ..mail.models import OUTBOX_STATUSES, OutboxEmail
from . import audit
from .blueprint import bp
from .pagination import paginate

PER_PAGE = 25


@bp.get("/mail")
def mail():
    """List outbox emails, newest first, optionally by status."""
    wanted = request.args.get("status", "")
    query = select(OutboxEmail)
    if wanted in OUTBOX_STATUSES:
        query = query.where(OutboxEmail.status == wanted)
    else:
        wanted = ""
    page = paginate(query.order_by(OutboxEmail.created_at.desc(), OutboxEmail.id.desc()),
                    request.args.get("page"), PER_PAGE)
    return render("dashboard/mail.html", block="results", page=page, wanted=wanted,
                  statuses=OUTBOX_STATUSES)


@bp.post("/mail/<int:email_id>/retry")
def mail_retry(email_id: int):
    """Queue a failed email again for the worker."""
    email = db.session.get(OutboxEmail, email_id)
    if email is None:
        abort(404)
    if email.status != "failed":
        abort(409, description="Only failed emails can be retried.")
    email.status = "pending"
    email.attempts = 0
    email.next_attempt_at = utcnow()
    email.claimed_until = None
    audit.record("mail.retry", booking_id=email.booking_id, email_id=email.id, kind=email.kind)
    db.session.commit()
    flash(f"Email to {email.recipient} queued again.", "success")
    return redirect(url_for("dashboard.mail", status=request.args.get("status") or None),
                    code=303)
