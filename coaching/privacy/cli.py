"""`flask --app coaching privacy purge`: apply the retention periods now."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from ..db_types import utcnow
from ..extensions import db

privacy_cli = AppGroup("privacy", help="Personal data retention.")


@privacy_cli.command("purge")
def purge_command() -> None:
    """Anonymise bookings past BOOKING_RETENTION_DAYS and delete old consent records."""
    from .services import purge

    result = purge(utcnow())
    db.session.commit()
    click.echo(
        f"Anonymised {result['bookings']} booking(s), scrubbed {result['emails']} email(s), "
        f"deleted {result['consent_records']} consent record(s)."
    )
