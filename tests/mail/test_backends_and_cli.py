"""Backends from MAIL_URL, the file and console backends, and `flask mail worker --once`."""

from __future__ import annotations

import email
import io
from datetime import UTC, datetime, timedelta
from email import policy

import icalendar
import pytest

import coaching.models  # noqa: F401 - every mapper, so a bare OutboxEmail can be built
from coaching.extensions import db
from coaching.mail import notify
from coaching.mail.backends import (
    ConfigurationError,
    ConsoleBackend,
    DeliveryError,
    FileBackend,
    SMTPBackend,
    backend_from_url,
)
from coaching.mail.message import build_message
from coaching.mail.models import OutboxEmail

from .conftest import make_booking


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mailer:p%40ss@smtp.example.com:587",
         SMTPBackend("smtp.example.com", 587, "mailer", "p@ss", False, "auto", 20.0)),
        ("smtp://relay.local?starttls=never&timeout=3",
         SMTPBackend("relay.local", 25, "", "", False, "never", 3.0)),
        ("smtp://u:p@h:2525?starttls=required",
         SMTPBackend("h", 2525, "u", "p", False, "required", 20.0)),
        ("smtps://u:p@smtp.example.com", SMTPBackend("smtp.example.com", 465, "u", "p", True)),
    ],
)
def test_smtp_urls(url, expected):
    assert backend_from_url(url) == expected


def test_file_and_console_urls(tmp_path):
    assert backend_from_url(f"file://{tmp_path}/mail") == FileBackend(tmp_path / "mail")
    assert isinstance(backend_from_url("console:"), ConsoleBackend)


@pytest.mark.parametrize(
    "url", ["http://example.com", "smtp://", "smtp://h?starttls=maybe", "smtp://h:notaport",
            "smtp://h?timeout=soon", "file://", ""],
)
def test_bad_urls_are_refused_clearly(url):
    with pytest.raises(ConfigurationError):
        backend_from_url(url)


def sample_row() -> OutboxEmail:
    return OutboxEmail(
        idempotency_key="k", kind="test", recipient="to@example.org",
        reply_to="coach@example.org", subject="Hello £ and ü", text_body="Plain ü\n",
        html_body="<p>HTML ü</p>", message_id="<abc@compass.test>",
        attachments=[{"filename": "invite.ics", "content_type": "text/calendar; method=REQUEST",
                      "content": "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"}],
    )


def test_file_backend_writes_one_parseable_eml_per_message(tmp_path):
    row = sample_row()
    backend = FileBackend(tmp_path / "out")
    message = build_message(row, mail_from="Compass <hello@compass.test>")
    backend.send(message, row.recipient)
    backend.send(message, row.recipient)
    files = sorted((tmp_path / "out").iterdir())
    assert len(files) == 2 and all(f.suffix == ".eml" for f in files)
    parsed = email.message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert parsed["Subject"] == "Hello £ and ü"
    assert parsed["Message-ID"] == "<abc@compass.test>"
    assert parsed["Reply-To"] == "coach@example.org"
    assert parsed.get_body(("plain",)).get_content() == "Plain ü\r\n"
    calendar_part = next(p for p in parsed.walk() if p.get_content_type() == "text/calendar")
    assert calendar_part.get_param("method") == "REQUEST"
    assert [p.get_filename() for p in parsed.iter_attachments()] == ["invite.ics"]


def test_file_backend_error_is_a_delivery_error(tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    with pytest.raises(DeliveryError):
        FileBackend(blocker).send(build_message(sample_row(), mail_from="a@b.test"), "x@y.z")


def test_console_backend_prints_the_message():
    stream = io.StringIO()
    ConsoleBackend(stream).send(build_message(sample_row(), mail_from="a@b.test"),
                                "to@example.org")
    out = stream.getvalue()
    assert out.startswith("----- mail to to@example.org -----")
    assert "Message-ID: <abc@compass.test>" in out and "text/calendar" in out


def test_starttls_required_refuses_a_server_without_it(smtp_server):
    backend = backend_from_url(f"smtp://127.0.0.1:{smtp_server.port}?starttls=required&timeout=5")
    with pytest.raises(DeliveryError, match="does not offer STARTTLS"):
        backend.send(build_message(sample_row(), mail_from="a@b.test"), "to@example.org")
    assert smtp_server.received == []


def test_worker_once_cli_delivers_to_files(make_app, coach, tmp_path):
    outbox = tmp_path / "cli-mail"
    app = make_app(MAIL_URL=f"file://{outbox}")
    with app.app_context():
        booking = make_booking(coach, datetime(2030, 3, 12, 14, 0, tzinfo=UTC))
        notify.booking_confirmed(booking, "http://localhost/bookings/tok")
        db.session.commit()
        uid = booking.ics_uid

    result = app.test_cli_runner().invoke(args=["mail", "worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "sent 2, retrying 0, failed 0" in result.output
    files = sorted(outbox.glob("*.eml"))
    assert len(files) == 2
    messages = [email.message_from_bytes(f.read_bytes(), policy=policy.default) for f in files]
    visitor = next(m for m in messages if m["To"] == "priya@example.org")
    ics = next(p for p in visitor.iter_attachments() if p.get_filename() == "invite.ics")
    event = next(iter(icalendar.Calendar.from_ical(ics.get_payload(decode=True)).walk("VEVENT")))
    assert str(event["UID"]) == uid

    again = app.test_cli_runner().invoke(args=["mail", "worker", "--once"])
    assert "sent 0, retrying 0, failed 0" in again.output
    assert len(list(outbox.glob("*.eml"))) == 2


def test_worker_loop_delivers_and_stops_gracefully_on_sigterm(app, database_url, tmp_path):
    """Run the real `flask --app coaching mail worker` process, then SIGTERM it."""
    import os
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    outbox = tmp_path / "loop-mail"
    with app.app_context():
        notify.queue("test", recipient="loop@example.org", subject="Loop", text="Hi.",
                     key="test:loop")
        db.session.commit()
    env = {**os.environ, "DATABASE_URL": database_url, "MAIL_URL": f"file://{outbox}",
           "COACHING_INSTANCE_PATH": str(tmp_path / "instance"), "MAIL_WORKER_THREAD": "0"}
    flask = Path(sys.executable).with_name("flask")
    process = subprocess.Popen(
        [str(flask), "--app", "coaching", "mail", "worker"], env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        deadline = time.monotonic() + 60  # a wait for the file, not a timing check
        while not list(outbox.glob("*.eml")) and time.monotonic() < deadline:
            assert process.poll() is None, process.stdout.read()
            time.sleep(0.2)
        assert len(list(outbox.glob("*.eml"))) == 1
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, output
    assert "SIGTERM, stopping after this pass" in output and "mail worker: stopped" in output


def test_worker_cli_refuses_a_bad_mail_url(make_app):
    app = make_app(MAIL_URL="carrier-pigeon://loft")
    result = app.test_cli_runner().invoke(args=["mail", "worker", "--once"])
    assert result.exit_code != 0
    assert "not one of smtp, smtps, file, console" in result.output


def test_worker_settings_come_from_config_then_environment(make_app, monkeypatch):
    from coaching.mail.worker import setting

    monkeypatch.setenv("MAIL_MAX_ATTEMPTS", "5")
    monkeypatch.setenv("MAIL_POLL_SECONDS", "not-a-number")
    with make_app().app_context():
        assert setting("MAIL_MAX_ATTEMPTS") == 5
        assert setting("MAIL_POLL_SECONDS") == 5.0
    with make_app(MAIL_MAX_ATTEMPTS=2).app_context():
        assert setting("MAIL_MAX_ATTEMPTS") == 2


def boom(now):
    raise RuntimeError("a periodic task broke")


def test_a_broken_periodic_task_does_not_stop_the_mail(make_app, tmp_path):
    from coaching.mail.worker import Periodic, run_once

    outbox = tmp_path / "periodic-mail"
    app = make_app(MAIL_URL=f"file://{outbox}")
    periodic = Periodic([("broken", timedelta(days=1),
                          f"{__name__}:boom")])
    with app.app_context():
        notify.queue("test", recipient="p@example.org", subject="Still goes", text="Hi.",
                     key="test:periodic")
        db.session.commit()
        assert run_once(periodic).sent == 1
        first = periodic.last_run["broken"]
        run_once(periodic)  # not due again within a day
        assert periodic.last_run["broken"] == first
    assert len(list(outbox.glob("*.eml"))) == 1
