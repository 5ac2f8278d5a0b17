"""Delivery backends chosen by `MAIL_URL`.

- `smtp://user:pass@host:587` plain SMTP, upgraded with STARTTLS whenever the
  server offers it; `?starttls=required` refuses to send in the clear and
  `?starttls=never` never tries (a local relay); `?timeout=20` seconds.
- `smtps://user:pass@host:465` TLS from the first byte.
- `file:///path/to/dir` one `.eml` file per message (the development default).
- `console:` prints each message to standard output.

Any failure raises `DeliveryError`; the worker decides when to try again.
"""

from __future__ import annotations

import os
import smtplib
import ssl
import sys
import tempfile
import threading
import uuid
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from ..db_types import utcnow

DEFAULT_TIMEOUT = 20.0


class DeliveryError(Exception):
    """The message was not handed over; it may succeed later."""


class ConfigurationError(ValueError):
    """MAIL_URL cannot be understood."""


def _sender(message: EmailMessage) -> str:
    return parseaddr(str(message["From"]))[1]


@dataclass
class SMTPBackend:
    host: str
    port: int
    username: str = ""
    password: str = ""
    implicit_tls: bool = False
    starttls: str = "auto"  # auto | required | never
    timeout: float = DEFAULT_TIMEOUT
    _context: ssl.SSLContext | None = field(default=None, repr=False)

    def tls_context(self) -> ssl.SSLContext:
        # Loading the system CA store costs ~0.15 s: do it once per backend, when needed.
        if self._context is None:
            self._context = ssl.create_default_context()
        return self._context

    def send(self, message: EmailMessage, recipient: str) -> None:
        """Hand one message to the server for one recipient."""
        try:
            if self.implicit_tls:
                client = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                          context=self.tls_context())
            else:
                client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            with client:
                client.ehlo()
                if not self.implicit_tls and self.starttls != "never":
                    if client.has_extn("starttls"):
                        client.starttls(context=self.tls_context())
                        client.ehlo()
                    elif self.starttls == "required":
                        raise DeliveryError(
                            f"{self.host}:{self.port} does not offer STARTTLS and "
                            "MAIL_URL says starttls=required; not sending in the clear"
                        )
                if self.username:
                    client.login(self.username, self.password)
                client.send_message(message, from_addr=_sender(message), to_addrs=[recipient])
        except DeliveryError:
            raise
        except smtplib.SMTPRecipientsRefused as exc:
            details = "; ".join(
                f"{code} {reply.decode(errors='replace')}"
                for code, reply in exc.recipients.values()
            )
            raise DeliveryError(f"recipient refused: {details}") from exc
        except smtplib.SMTPResponseException as exc:
            reply = exc.smtp_error
            text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
            raise DeliveryError(f"SMTP {exc.smtp_code} {text}") from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc


@dataclass
class FileBackend:
    directory: Path

    def send(self, message: EmailMessage, recipient: str) -> None:
        """Write the message as an .eml file, atomically (no half-written files)."""
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            name = f"{utcnow().strftime('%Y%m%dT%H%M%S%fZ')}-{uuid.uuid4().hex[:8]}.eml"
            fd, temporary = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
            with os.fdopen(fd, "wb") as handle:
                handle.write(message.as_bytes(policy=SMTP))
            os.replace(temporary, self.directory / name)
        except OSError as exc:
            raise DeliveryError(f"cannot write to {self.directory}: {exc}") from exc


class ConsoleBackend:
    _lock = threading.Lock()

    def __init__(self, stream=None):
        self.stream = stream

    def send(self, message: EmailMessage, recipient: str) -> None:
        """Print the whole message (headers and parts) to standard output."""
        stream = self.stream or sys.stdout
        text = message.as_bytes(policy=SMTP).decode("utf-8", errors="replace")
        with self._lock:
            stream.write(f"----- mail to {recipient} -----\n{text}\n----- end of mail -----\n")
            stream.flush()


def backend_from_url(url: str):
    """Return the backend `MAIL_URL` names, or raise ConfigurationError."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    if scheme in ("smtp", "smtps"):
        if not parts.hostname:
            raise ConfigurationError(f"MAIL_URL {scheme}:// needs a host")
        starttls = query.get("starttls", "auto").lower()
        if starttls not in ("auto", "required", "never"):
            raise ConfigurationError("starttls must be auto, required or never")
        try:
            timeout = float(query.get("timeout", DEFAULT_TIMEOUT))
            port = parts.port or (465 if scheme == "smtps" else 25)
        except ValueError as exc:
            raise ConfigurationError(f"MAIL_URL has a bad port or timeout: {exc}") from exc
        return SMTPBackend(
            host=parts.hostname, port=port,
            username=unquote(parts.username or ""), password=unquote(parts.password or ""),
            implicit_tls=scheme == "smtps", starttls=starttls, timeout=timeout,
        )
    if scheme == "file":
        path = unquote(parts.path)
        if not path:
            raise ConfigurationError("MAIL_URL file:// needs a directory, e.g. file:///tmp/mail")
        return FileBackend(Path(path))
    if scheme == "console":
        return ConsoleBackend()
    raise ConfigurationError(
        f"MAIL_URL scheme {scheme!r} is not one of smtp, smtps, file, console"
    )
