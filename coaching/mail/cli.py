"""`flask --app coaching mail ...`: run the outbox worker."""

from __future__ import annotations

import signal
import threading

import click
from flask import current_app
from flask.cli import AppGroup

from .backends import ConfigurationError, backend_from_url
from .worker import run_forever, run_once

mail_cli = AppGroup("mail", help="Deliver the outbox.")


@mail_cli.command("worker")
@click.option("--once", is_flag=True, help="Do one pass (reminders, then due mail) and exit.")
def worker(once: bool) -> None:
    """Deliver queued email, retrying failures, until stopped (SIGTERM or Ctrl-C)."""
    try:
        backend_from_url(current_app.config["MAIL_URL"])
    except ConfigurationError as exc:
        raise click.ClickException(str(exc)) from exc
    if once:
        result = run_once()
        click.echo(f"sent {result.sent}, retrying {result.retrying}, failed {result.failed}")
        return
    stop = threading.Event()

    def request_stop(signum, _frame):
        # Finish the message in hand, then leave: no half-recorded sends.
        click.echo(f"mail worker: {signal.Signals(signum).name}, stopping after this pass")
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    click.echo(f"mail worker: delivering via {_safe_url(current_app.config['MAIL_URL'])}")
    run_forever(current_app._get_current_object(), stop)
    click.echo("mail worker: stopped")


def _safe_url(url: str) -> str:
    """Hide a password in MAIL_URL before printing it."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url
