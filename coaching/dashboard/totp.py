"""Optional two-step verification: TOTP secrets, QR codes and recovery codes."""

from __future__ import annotations

import hashlib
import hmac
import io
import secrets
import time
from datetime import UTC, datetime

import pyotp
import segno

RECOVERY_CODE_COUNT = 10
ISSUER = "Career Compass dashboard"


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str, issuer: str = ISSUER) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=issuer)


def qr_svg(uri: str) -> str:
    """Return the QR code for `uri` as an inline SVG element (no external request)."""
    buffer = io.BytesIO()
    segno.make(uri, error="m").save(buffer, kind="svg", scale=5, border=2, xmldecl=False,
                                    svgns=True, title="QR code for your authenticator app",
                                    dark="#1d2626", light="#ffffff")
    return buffer.getvalue().decode()


def matching_step(secret: str, code: str, *, after: int | None = None,
                  at: float | None = None) -> int | None:
    """Return the time step `code` belongs to, or None.

    The current step and its neighbours are accepted (30 s either side for clock
    drift), but only steps later than `after`: a code that was used once cannot
    sign anyone in again, even inside its window.
    """
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    otp = pyotp.TOTP(secret)
    now = time.time() if at is None else at
    current = otp.timecode(datetime.fromtimestamp(now, UTC))
    for step in (current - 1, current, current + 1):
        if after is not None and step <= after:
            continue
        if hmac.compare_digest(otp.generate_otp(step), code):
            return step
    return None


def _hash(code: str) -> str:
    normalised = "".join(code.split()).replace("-", "").lower()
    return hashlib.sha256(normalised.encode()).hexdigest()


def new_recovery_codes() -> tuple[list[str], list[str]]:
    """Return (codes to show once, hashes to store); 60 random bits each, so sha256 suffices."""
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = secrets.token_hex(6)
        codes.append(f"{raw[:6]}-{raw[6:]}")
    return codes, [_hash(code) for code in codes]


def use_recovery_code(stored: list[str] | None, code: str) -> list[str] | None:
    """Return the stored hashes without `code` if it matches one, else None."""
    wanted = _hash(code)
    remaining = list(stored or [])
    for index, candidate in enumerate(remaining):
        if hmac.compare_digest(candidate, wanted):
            del remaining[index]
            return remaining
    return None
