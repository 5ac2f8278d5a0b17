"""Consent decisions: validating them, recording the proof, counting them."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from flask import Request, current_app
from sqlalchemy import func, select

from ..extensions import db
from .models import ConsentRecord
from .registry import OPTIONAL_CATEGORIES
from .state import ConsentState

ACTIONS = ("accept_all", "reject_all", "custom", "withdraw")
# What the forms may ask for; "media" is the video placeholder's one-click consent.
FORM_ACTIONS = ("accept_all", "reject_all", "custom", "media")
MAX_NEXT_LENGTH = 1000


class ConsentInputError(ValueError):
    """The decision posted is not one the forms can produce (shown as 422)."""


@dataclass(frozen=True)
class Decision:
    action: str
    choices: dict[str, bool]


def parse_decision(form, previous: ConsentState, revision: int) -> Decision:
    """Turn the posted form into the choices it asks for, refusing anything else."""
    action = form.get("action", "")
    if action not in FORM_ACTIONS:
        raise ConsentInputError("Choose one of the buttons to save your cookie choices.")
    posted_revision = form.get("revision")
    if posted_revision is not None and posted_revision != str(revision):
        raise ConsentInputError(
            "The cookie policy changed while this page was open. Please review your choices."
        )
    categories = form.getlist("category")
    unknown = [c for c in categories if c not in OPTIONAL_CATEGORIES]
    if unknown or len(categories) > len(OPTIONAL_CATEGORIES):
        raise ConsentInputError("That is not a cookie category this site uses.")
    if action == "accept_all":
        choices = dict.fromkeys(OPTIONAL_CATEGORIES, True)
    elif action == "reject_all":
        choices = dict.fromkeys(OPTIONAL_CATEGORIES, False)
    elif action == "media":
        choices = {**previous.choices(), "media": True}
    else:
        choices = {key: key in categories for key in OPTIONAL_CATEGORIES}
    return Decision(action, choices)


def recorded_action(decision: Decision, previous: ConsentState) -> str:
    """Name the decision for the proof: taking back an earlier grant is a withdrawal."""
    if previous.decided and any(
        previous.stored.get(key) and not decision.choices.get(key) for key in OPTIONAL_CATEGORIES
    ):
        return "withdraw"
    return "custom" if decision.action == "media" else decision.action


def truncate_ip(address: str | None) -> str:
    """Keep only the network part of an address: IPv4 /24, IPv6 /48."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return ""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def hash_user_agent(user_agent: str) -> str:
    """Return a peppered SHA-256 of the user agent: comparable, not reversible by lookup."""
    pepper = current_app.config.get("CONSENT_UA_PEPPER") or current_app.config["SECRET_KEY"]
    return hmac.new(
        pepper.encode(), (user_agent or "")[:512].encode(), hashlib.sha256
    ).hexdigest()


def record(state: ConsentState, action: str, request: Request) -> ConsentRecord:
    """Write the proof of one decision to the session (committed by the caller)."""
    choices = state.choices()
    if state.gpc:
        choices["gpc"] = True
    row = ConsentRecord(
        consent_id=state.consent_id,
        policy_revision=state.revision,
        choices=choices,
        action=action,
        ip_truncated=truncate_ip(request.remote_addr),
        user_agent_hash=hash_user_agent(request.headers.get("User-Agent", "")),
        created_at=state.decided_at,
    )
    db.session.add(row)
    return row


def counts(start: datetime, end: datetime) -> dict[str, int]:
    """Count decisions per action in [start, end), plus the total, for the dashboard."""
    rows = db.session.execute(
        select(ConsentRecord.action, func.count())
        .where(ConsentRecord.created_at >= start, ConsentRecord.created_at < end)
        .group_by(ConsentRecord.action)
    ).all()
    result = dict.fromkeys(ACTIONS, 0)
    result.update({action: n for action, n in rows})
    result["total"] = sum(n for _, n in rows)
    return result


def _origin(url: str) -> str | None:
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def is_same_origin(request: Request) -> bool:
    """Tell whether a POST certainly came from a page of this site.

    `/consent` takes no CSRF token (a token on every page would need a session
    cookie on every first visit), so it checks where the request came from
    instead: Sec-Fetch-Site when the browser sends it, then Origin, falling back
    to Referer. A request that proves nothing is refused.
    """
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None and fetch_site != "same-origin":
        return False
    own = {request.host_url.rstrip("/").lower(), current_app.config["PUBLIC_BASE_URL"].lower()}
    origin = request.headers.get("Origin")
    if origin is not None:
        return origin.lower() in own
    referer = request.headers.get("Referer")
    if referer:
        return _origin(referer) in own
    return False


def safe_next(value: str | None, default: str) -> str | None:
    """Return `value` if it is a path on this site, `default` if absent, else None."""
    if value is None or value == "":
        return default
    if len(value) > MAX_NEXT_LENGTH or not value.startswith("/") or value.startswith("//"):
        return None
    if "\\" in value or any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return None
    return value
