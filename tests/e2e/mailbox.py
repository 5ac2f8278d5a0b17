"""Read the mail the site delivered: `.eml` files written by the `file://` backend."""

from __future__ import annotations

import email
import re
import time
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest

URL_RE = re.compile(r"https?://[^\s<>\"')]+")


class Mailbox:
    """The directory MAIL_URL=file://... points at, read like an inbox."""

    def __init__(self, directory: Path):
        self.directory = directory

    def messages(self) -> list[EmailMessage]:
        if not self.directory.is_dir():
            return []
        files = sorted(self.directory.glob("*.eml"), key=lambda p: (p.stat().st_mtime, p.name))
        return [email.message_from_bytes(p.read_bytes(), policy=policy.default) for p in files]

    def wait_for(self, *, to: str, subject: str = "", timeout: float = 30) -> EmailMessage:
        """Return the newest message to `to` whose subject contains `subject` (case-insensitive).

        Waiting is for the worker's poll interval, not a performance assertion.
        """
        deadline = time.monotonic() + timeout
        while True:
            found = [
                m for m in self.messages()
                if to.lower() in str(m["To"]).lower()
                and subject.lower() in str(m["Subject"]).lower()
            ]
            if found:
                return found[-1]
            if time.monotonic() > deadline:
                seen = [f"{m['To']}: {m['Subject']}" for m in self.messages()]
                pytest.fail(f"no mail to {to} with {subject!r} in the subject after {timeout}s; "
                            f"delivered: {seen}", pytrace=False)
            time.sleep(0.25)


def text_of(message: EmailMessage) -> str:
    """Return the plain-text body (or the HTML one if there is no text part)."""
    part = message.get_body(preferencelist=("plain", "html"))
    return part.get_content() if part is not None else ""


def links(message: EmailMessage) -> list[str]:
    """Return every http(s) link in the message's text and HTML parts."""
    found = []
    for part in message.walk():
        if part.get_content_type() in {"text/plain", "text/html"}:
            found += [u.rstrip(".,;") for u in URL_RE.findall(part.get_content())]
    return list(dict.fromkeys(found))


def manage_link(message: EmailMessage, base_url: str) -> str:
    """Return the booking's manage link (`/bookings/<token>`) from the message."""
    for url in links(message):
        if url.startswith(base_url) and "/bookings/" in url:
            return url
    pytest.fail(f"no {base_url}/bookings/<token> link in the mail: {links(message)}",
                pytrace=False)


def calendar_parts(message: EmailMessage) -> list[str]:
    """Return the text of every text/calendar part (the ICS invite)."""
    return [p.get_content() for p in message.walk() if p.get_content_type() == "text/calendar"]
