"""Command-line tasks: `flask --app coaching <group> <command>`."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup, FlaskGroup
from sqlalchemy import select

from .extensions import db
from .mail.cli import mail_cli
from .privacy.cli import privacy_cli

coach_cli = AppGroup("coach", help="Manage coach accounts.")
seed_cli = AppGroup("seed", help="Load demonstration data.")


@coach_cli.command("create")
@click.option("--email", prompt=True, help="The coach's login email.")
@click.option("--name", prompt=True, help="The coach's name as visitors see it.")
@click.option("--timezone", default="Europe/London", show_default=True)
@click.password_option(help="Asked for without echo if not given.")
def create_coach(email: str, name: str, timezone: str, password: str) -> None:
    """Create a coach account."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from .booking.models import Coach
    from .dashboard.passwords import hash_password, password_problems

    email = email.strip().lower()
    problems = password_problems(password, email=email)
    if problems:
        raise click.ClickException(" ".join(problems))
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise click.ClickException(f"Unknown time zone {timezone!r}.") from exc
    if db.session.scalar(select(Coach).where(Coach.email == email)):
        raise click.ClickException(f"A coach with email {email} already exists.")
    db.session.add(
        Coach(email=email, name=name.strip(), timezone=timezone,
              password_hash=hash_password(password))
    )
    db.session.commit()
    click.echo(f"Created coach {email}.")


@seed_cli.command("demo")
def seed_demo() -> None:
    """Create the demo coach and the article if missing (safe to run again)."""
    if current_app.config["COACHING_ENV"] == "production":
        raise click.ClickException("Refusing to seed demo data in production.")
    from .booking.seed import DEMO_EMAIL, DEMO_PASSWORD, seed_demo_coach

    _, created = seed_demo_coach(current_app.config["COACH_NAME"])
    for seeder in _content_seeders():
        seeder()
    db.session.commit()
    click.echo(("Created" if created else "Found") + " the demo coach.")
    click.echo(f"Dashboard login: {DEMO_EMAIL} / {DEMO_PASSWORD}")


def _content_seeders() -> list:
    """Return the functions that add demo content of each domain."""
    from .articles.services import seed_articles

    return [seed_articles]


def init_app(app: Flask) -> None:
    app.cli.add_command(coach_cli)
    app.cli.add_command(seed_cli)
    app.cli.add_command(privacy_cli)
    app.cli.add_command(mail_cli)


def main() -> None:
    """Run the Flask CLI for an installed copy (`coaching run`, `coaching db upgrade`)."""
    from . import create_app

    FlaskGroup(create_app=create_app)()
