"""The coach's account: password, two-step verification and the calendar feed address."""

from __future__ import annotations

import time

from flask import flash, redirect, session, url_for
from flask_login import current_user, login_user

from ..booking.models import new_feed_token
from ..extensions import db
from ..htmx import render
from . import audit, totp
from .blueprint import LAST_SEEN_KEY, bp
from .forms import PasswordChangeForm, TotpConfirmForm, TotpDisableForm
from .passwords import hash_password, verify_password

TOTP_SETUP_KEY = "dash_totp_setup"


def _page(status: int = 200, **context):
    pending = session.get(TOTP_SETUP_KEY)
    qr = None
    if pending and not current_user.totp_secret:
        qr = totp.qr_svg(totp.provisioning_uri(pending, current_user.email))
    context.setdefault("password_form", PasswordChangeForm(formdata=None))
    context.setdefault("confirm_form", TotpConfirmForm(formdata=None))
    context.setdefault("disable_form", TotpDisableForm(formdata=None))
    return render("dashboard/account.html", status=status, pending_secret=pending, qr_svg=qr,
                  recovery_left=len(current_user.recovery_codes or []), **context)


@bp.get("/account")
def account():
    """Show the account settings and the calendar feed address."""
    return _page()


@bp.post("/account/password")
def account_password():
    """Change the password and end every other session."""
    form = PasswordChangeForm(email=current_user.email)
    if not form.validate():
        return _page(status=422, password_form=form)
    if not verify_password(current_user.password_hash, form.current.data):
        form.current.errors = [*form.current.errors, "That is not your current password."]
        return _page(status=422, password_form=form)
    current_user.password_hash = hash_password(form.new.data)
    current_user.session_version += 1
    audit.record("account.password")
    db.session.commit()
    # This browser stays signed in with the new session version; others are out.
    session.clear()
    login_user(current_user)
    session.permanent = True
    session[LAST_SEEN_KEY] = int(time.time())
    flash("Password changed. Any other signed-in devices are now signed out.", "success")
    return redirect(url_for("dashboard.account"), code=303)


@bp.post("/account/feed-token")
def account_feed_token():
    """Give the calendar feed a new address; the old one stops working."""
    current_user.feed_token = new_feed_token()
    audit.record("account.feed_token")
    db.session.commit()
    flash("New calendar address made. Subscribe again with it; the old one no longer works.",
          "success")
    return redirect(url_for("dashboard.account"), code=303)


@bp.post("/account/totp/start")
def account_totp_start():
    """Make a new secret and show its QR code for the authenticator app."""
    if not current_user.totp_secret:
        session[TOTP_SETUP_KEY] = totp.new_secret()
    return redirect(url_for("dashboard.account") + "#two-step", code=303)


@bp.post("/account/totp/confirm")
def account_totp_confirm():
    """Turn on two-step verification once the app's first code matches."""
    pending = session.get(TOTP_SETUP_KEY)
    form = TotpConfirmForm()
    if current_user.totp_secret or not pending:
        return redirect(url_for("dashboard.account"), code=303)
    step = totp.matching_step(pending, form.code.data or "") if form.validate() else None
    if step is None:
        if not form.code.errors:
            form.code.errors = ["That code does not match. Check the time on your phone."]
        return _page(status=422, confirm_form=form)
    codes, hashes = totp.new_recovery_codes()
    current_user.totp_secret = pending
    current_user.totp_last_step = step  # the setup code cannot be reused to sign in
    current_user.recovery_codes = hashes
    session.pop(TOTP_SETUP_KEY, None)
    audit.record("account.totp_on")
    db.session.commit()
    # Shown once, in this response, and never stored readable: a redirect would
    # have to carry them through the (signed, not encrypted) session cookie.
    return _page(recovery_codes=codes)


@bp.post("/account/totp/disable")
def account_totp_disable():
    """Turn off two-step verification (asks for the password again)."""
    form = TotpDisableForm()
    if not form.validate() or not verify_password(current_user.password_hash,
                                                  form.password.data or ""):
        if not form.password.errors:
            form.password.errors = ["That is not your password."]
        return _page(status=422, disable_form=form)
    current_user.totp_secret = None
    current_user.recovery_codes = None
    audit.record("account.totp_off")
    db.session.commit()
    flash("Two-step verification is off.", "success")
    return redirect(url_for("dashboard.account"), code=303)
