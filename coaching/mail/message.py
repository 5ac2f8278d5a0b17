"""Turn an outbox row into a standard library `EmailMessage`."""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime

from ..db_types import utcnow
from .models import OutboxEmail


def build_message(email: OutboxEmail, *, mail_from: str, now: datetime | None = None,
                  message_id: str | None = None) -> EmailMessage:
    """Build the message: text, HTML and calendar alternatives, plus the invite as a file.

    The invite goes in twice on purpose, the way calendar servers send it: a
    `text/calendar; method=...` alternative that Outlook and Gmail turn into
    accept/decline buttons, and an `.ics` attachment for everything else.
    """
    message = EmailMessage()
    message["Subject"] = email.subject
    message["From"] = mail_from
    message["To"] = email.recipient
    if email.reply_to:
        message["Reply-To"] = email.reply_to
    message["Date"] = format_datetime(now or utcnow())
    message["Message-ID"] = message_id or email.message_id
    # RFC 3834: an automatic message; out-of-office robots should not answer it.
    message["Auto-Submitted"] = "auto-generated"

    message.set_content(email.text_body)
    if email.html_body:
        message.add_alternative(email.html_body, subtype="html")

    files = []
    for item in email.attachments or []:
        content_type = item["content_type"]
        main, _, rest = content_type.partition(";")
        if main.strip() == "text/calendar":
            params = dict(_params(rest))
            message.add_alternative(item["content"], subtype="calendar", params=params)
        files.append(item)
    for item in files:
        main = item["content_type"].partition(";")[0].strip()
        if main == "text/calendar":
            maintype, subtype = "application", "ics"
        else:
            maintype, _, subtype = main.partition("/")
        message.add_attachment(
            item["content"].encode("utf-8"), maintype=maintype, subtype=subtype,
            filename=item["filename"],
        )
    return message


def _params(raw: str):
    for part in raw.split(";"):
        name, sep, value = part.partition("=")
        if sep:
            yield name.strip().lower(), value.strip().strip('"')
