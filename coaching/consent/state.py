"""The visitor's consent state: read from and written to the signed `consent` cookie.

The cookie holds compact JSON {id, rev, analytics, media, ts} signed with the
app's SECRET_KEY, so a visitor (or a script) cannot flip a category on without
the server noticing. A stored choice counts only while it is younger than its
own lifetime (6 months for a refusal, 13 for a consent) and was made for the
current CONSENT_POLICY_REVISION; otherwise the visitor is undecided again.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from flask import Request, Response, current_app
from itsdangerous import BadSignature, URLSafeSerializer

from .registry import (
    ANALYTICS,
    CONSENT_COOKIE,
    CONSENT_DAYS,
    MEDIA,
    OPTIONAL_CATEGORIES,
    REFUSAL_DAYS,
    cookies_in,
)

MAX_COOKIE_LENGTH = 400  # a genuine value is ~150 characters; refuse to parse more


@dataclass(frozen=True)
class ConsentState:
    """What the visitor agreed to, as every template sees it (`consent.analytics` etc.)."""

    decided: bool = False
    analytics: bool = False
    media: bool = False
    consent_id: str = ""
    revision: int = 0
    decided_at: datetime | None = None
    gpc: bool = False
    # The choices as stored, before GPC overrides analytics (for the settings form).
    stored: dict = field(default_factory=dict)

    def choices(self) -> dict[str, bool]:
        return {ANALYTICS: self.analytics, MEDIA: self.media}

    @property
    def any_accepted(self) -> bool:
        return self.analytics or self.media


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="consent-cookie")


def lifetime(choices: dict[str, bool]) -> timedelta:
    """Return how long a choice is remembered: shorter for a refusal."""
    return timedelta(days=CONSENT_DAYS if any(choices.values()) else REFUSAL_DAYS)


def gpc_requested(request: Request) -> bool:
    """Tell whether the browser sent the Global Privacy Control signal."""
    return request.headers.get("Sec-GPC", "").strip() == "1"


def decode(raw: str | None, *, now: datetime, revision: int) -> dict | None:
    """Return the stored choice if the cookie is genuine, current and unexpired."""
    if not raw or len(raw) > MAX_COOKIE_LENGTH:
        return None
    try:
        data = _serializer().loads(raw)
    except BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    consent_id, rev, ts = data.get("id"), data.get("rev"), data.get("ts")
    flags = {key: data.get(key) for key in OPTIONAL_CATEGORIES}
    if not isinstance(consent_id, str) or not all(isinstance(v, bool) for v in flags.values()):
        return None
    if type(rev) is not int or type(ts) is not int or rev != revision:
        return None
    decided_at = datetime.fromtimestamp(ts, UTC)
    if decided_at > now + timedelta(minutes=5) or now - decided_at >= lifetime(flags):
        return None
    return {"id": consent_id, "rev": rev, "ts": decided_at, **flags}


def read(request: Request, *, now: datetime | None = None) -> ConsentState:
    """Work out the visitor's consent state for this request."""
    now = now or datetime.now(UTC)
    revision = current_app.config["CONSENT_POLICY_REVISION"]
    gpc = gpc_requested(request)
    stored = decode(request.cookies.get(CONSENT_COOKIE), now=now, revision=revision)
    if stored is None:
        return ConsentState(gpc=gpc, revision=revision)
    return ConsentState(
        decided=True,
        # GPC is a refusal of analytics whatever the cookie says.
        analytics=stored[ANALYTICS] and not gpc,
        media=stored[MEDIA],
        consent_id=stored["id"],
        revision=revision,
        decided_at=stored["ts"],
        gpc=gpc,
        stored={key: stored[key] for key in OPTIONAL_CATEGORIES},
    )


def new_state(choices: dict[str, bool], *, previous: ConsentState, now: datetime,
              gpc: bool) -> ConsentState:
    """Return the state after a decision; the consent id survives changes of mind."""
    flags = {key: bool(choices.get(key)) for key in OPTIONAL_CATEGORIES}
    if gpc:
        flags[ANALYTICS] = False
    return ConsentState(
        decided=True,
        consent_id=previous.consent_id or str(uuid.uuid4()),
        revision=current_app.config["CONSENT_POLICY_REVISION"],
        decided_at=now.replace(microsecond=0),
        gpc=gpc,
        stored=dict(flags),
        **flags,
    )


def write(response: Response, state: ConsentState, present: Iterable[str] = ()) -> None:
    """Store `state` in the consent cookie and delete cookies of refused categories.

    `present` is the names of the cookies the browser sent, so suffixed ones
    (`_pk_id.1.a1b2`) can be deleted by their real names.
    """
    choices = state.choices()
    payload = {
        "id": state.consent_id,
        "rev": state.revision,
        **choices,
        "ts": int(state.decided_at.timestamp()),
    }
    response.set_cookie(
        CONSENT_COOKIE,
        _serializer().dumps(payload),
        max_age=int(lifetime(choices).total_seconds()),
        httponly=True,
        samesite="Lax",
        secure=current_app.config["COACHING_ENV"] == "production",
        path="/",
    )
    for key, granted in choices.items():
        if granted:
            continue
        # Third-party cookies live on another host: only the browser can remove those.
        for cookie in cookies_in(key, party="first"):
            names = {cookie.name} | {name for name in present if cookie.matches(name)}
            for name in sorted(names):
                response.delete_cookie(name, path="/")
