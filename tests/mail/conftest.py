"""Mail fixtures: a real SMTP server (aiosmtpd) on a free port, bookings, helpers."""

from __future__ import annotations

import email
import secrets
import threading
from datetime import UTC, datetime, timedelta
from email import policy

import pytest
from aiosmtpd.controller import Controller


class RecordingHandler:
    """Accept (or refuse, per `reply`) every message and keep what arrived."""

    def __init__(self):
        self.reply = "250 OK"
        self.received: list[email.message.EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        if not self.reply.startswith("250"):
            return self.reply
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.received.append(message)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"

    def message_ids(self) -> list[str]:
        with self.lock:
            return [str(m["Message-ID"]) for m in self.received]


class EphemeralController(Controller):
    """A Controller on an OS-chosen port (aiosmtpd 1.4 cannot do port=0 itself)."""

    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


class SMTPServer:
    def __init__(self):
        self.handler = RecordingHandler()
        self.controller = EphemeralController(self.handler, hostname="127.0.0.1", port=0)
        self.controller.start()
        self.port = self.controller.port
        self.running = True

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}?timeout=5"

    @property
    def received(self):
        return self.handler.received

    def stop(self) -> None:
        """Take the server down: connections are refused until `start_again`."""
        self.controller.stop()
        self.running = False

    def start_again(self) -> None:
        """Bring the server back on the same port, keeping what it received."""
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        self.running = True


@pytest.fixture
def smtp_server():
    server = SMTPServer()
    yield server
    if server.running:
        server.controller.stop()


@pytest.fixture
def mail_app(make_app, smtp_server):
    return make_app(MAIL_URL=smtp_server.url, MAIL_FROM="Career Compass <hello@compass.test>")


def make_booking(coach_id: int, start: datetime, *, minutes: int = 15, flush: bool = True,
                 **fields):
    """Add a confirmed booking for the coach at `start` (aware), flushed unless told not to."""
    from coaching.booking.models import Booking
    from coaching.extensions import db

    start = start.astimezone(UTC)
    values = {
        "visitor_name": "Priya Shah",
        "visitor_email": "priya@example.org",
        "visitor_phone": "+44 7700 900123",
        "message": "I am weighing a move from finance into teaching.",
        "visitor_timezone": "America/New_York",
        "manage_token_hash": secrets.token_hex(32),
    }
    values.update(fields)
    booking = Booking(
        coach_id=coach_id, start_at=start, end_at=start + timedelta(minutes=minutes),
        block_start=start - timedelta(minutes=5),
        block_end=start + timedelta(minutes=minutes + 5), **values,
    )
    db.session.add(booking)
    if flush:
        db.session.flush()
    return booking


@pytest.fixture
def booking_factory():
    return make_booking
