"""Signing in and out: password, optional second step, lockout and rate limits."""

from __future__ import annotations

import time
from functools import cache

from flask import abort, flash, redirect, request, session, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user
from sqlalchemy import func, select

from ..booking.models import Coach
from ..db_types import utcnow
from ..extensions import db, limiter
from ..htmx import render
from . import audit, safety, totp
from .blueprint import LAST_SEEN_KEY, bp
from .forms import CodeForm, LoginForm
from .passwords import hash_password, needs_rehash, verify_password

PENDING_KEY = "dash_pending_2fa"
PENDING_SECONDS = 300
LIMIT_MESSAGE = "Too many sign-in attempts. Please wait a minute and try again."
BAD_CREDENTIALS = "That email and password do not match an account."


def _email_key() -> str:
    return "login-email:" + (request.form.get("email") or "").strip().lower()[:254]


@cache
def _dummy_hash() -> str:
    # Verifying against a real hash for unknown emails keeps response times alike.
    return hash_password("not-a-real-password-used-for-timing")


def _locked_message(coach: Coach) -> str:
    minutes = max(1, int((coach.locked_until - utcnow()).total_seconds() // 60) + 1)
    return (f"This account is locked after too many failed sign-in attempts. "
            f"Try again in {minutes} minute{'s' if minutes != 1 else ''}.")


def _complete_login(coach: Coach, next_url: str | None, *, action: str = "login"):
    """Start a fresh session for `coach` (new session data, new CSRF token)."""
    session.clear()
    login_user(coach)
    session.permanent = True
    session[LAST_SEEN_KEY] = int(time.time())
    audit.record(action, ip=request.remote_addr or "")
    db.session.commit()
    return redirect(safety.safe_next(next_url, url_for("dashboard.overview")), code=303)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("5/minute", methods=["POST"], key_func=get_remote_address,
               error_message=LIMIT_MESSAGE)
@limiter.limit("5/minute", methods=["POST"], key_func=_email_key, error_message=LIMIT_MESSAGE)
def login():
    """Show the sign-in form and check the email and password."""
    if current_user.is_authenticated and request.method == "GET":
        return redirect(url_for("dashboard.overview"), code=303)
    form = LoginForm(next=request.args.get("next", ""))
    notice = "You were signed out after a period of inactivity." \
        if request.args.get("reason") == "idle" else None
    if request.method == "GET":
        return render("dashboard/login.html", form=form, notice=notice)
    if not form.validate():
        return render("dashboard/login.html", form=form, status=422)

    now = utcnow()
    email = form.email.data.strip().lower()
    coach = db.session.scalar(select(Coach).where(func.lower(Coach.email) == email))
    if coach is not None and safety.is_locked(coach, now):
        return _refuse(form, _locked_message(coach), 429)
    if coach is None:
        verify_password(_dummy_hash(), form.password.data)
        return _refuse(form, BAD_CREDENTIALS, 422)
    if not verify_password(coach.password_hash, form.password.data):
        safety.register_failure(coach, now)
        db.session.commit()
        if safety.is_locked(coach, now):
            return _refuse(form, _locked_message(coach), 429)
        return _refuse(form, BAD_CREDENTIALS, 422)

    if needs_rehash(coach.password_hash):
        coach.password_hash = hash_password(form.password.data)
    if coach.totp_secret:
        # Do not count the password as a success yet: the second step still may fail.
        session.clear()
        session[PENDING_KEY] = {"id": coach.id, "v": coach.session_version,
                                "at": int(time.time()), "next": form.next.data or ""}
        db.session.commit()
        return redirect(url_for("dashboard.login_code"), code=303)
    safety.register_success(coach)
    return _complete_login(coach, form.next.data)


def _refuse(form: LoginForm, message: str, status: int):
    form.password.data = ""
    response = render("dashboard/login.html", form=form, problem=message, status=status)
    if status == 429:
        response.headers["Retry-After"] = "60"
    return response


def _pending_coach() -> Coach | None:
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    coach = db.session.get(Coach, pending.get("id"))
    if coach is None or coach.session_version != pending.get("v") or not coach.totp_secret:
        return None
    return coach


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit("5/minute", methods=["POST"], key_func=get_remote_address,
               error_message=LIMIT_MESSAGE)
def login_code():
    """Ask for the authenticator code (or a recovery code) after the password."""
    coach = _pending_coach()
    if coach is None:
        session.pop(PENDING_KEY, None)
        flash("Please sign in again.", "info")
        return redirect(url_for("dashboard.login"), code=303)
    form = CodeForm()
    if request.method == "GET":
        return render("dashboard/login_code.html", form=form)
    if not form.validate():
        return render("dashboard/login_code.html", form=form, status=422)
    now = utcnow()
    if safety.is_locked(coach, now):
        return render("dashboard/login_code.html", form=form, status=429,
                      problem=_locked_message(coach))
    next_url = session.get(PENDING_KEY, {}).get("next")
    code = form.code.data
    step = totp.matching_step(coach.totp_secret, code, after=coach.totp_last_step)
    if step is not None and safety.claim_totp_step(coach, step):
        safety.register_success(coach)
        return _complete_login(coach, next_url)
    remaining = totp.use_recovery_code(coach.recovery_codes, code)
    if remaining is not None:
        coach.recovery_codes = remaining
        safety.register_success(coach)
        return _complete_login(coach, next_url, action="login.recovery_code")
    safety.register_failure(coach, now)
    db.session.commit()
    if safety.is_locked(coach, now):
        session.pop(PENDING_KEY, None)
        return render("dashboard/login_code.html", form=form, status=429,
                      problem=_locked_message(coach))
    return render("dashboard/login_code.html", form=form, status=422,
                  problem="That code is not right. Check your app's clock and try again.")


@bp.post("/logout")
def logout():
    """End this session and every other one (the session version changes)."""
    coach = db.session.get(Coach, current_user.id)
    if coach is None:
        abort(404)
    coach.session_version += 1
    db.session.commit()
    logout_user()
    session.clear()
    flash("You are signed out.", "success")
    return redirect(url_for("dashboard.login"), code=303)
