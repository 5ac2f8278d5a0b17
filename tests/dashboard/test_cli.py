"""`flask coach create` asks for the password twice without echo and checks it."""

from __future__ import annotations

from sqlalchemy import select

from coaching.booking.models import Coach


def test_coach_create_prompts_and_hashes(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["coach", "create", "--email", "New@Example.org", "--name",
                                 "New Coach"], input="a long enough passphrase\n" * 2)
    assert result.exit_code == 0, result.output
    assert "a long enough passphrase" not in result.output
    from coaching.extensions import db

    with app.app_context():
        coach = db.session.scalar(select(Coach).where(Coach.email == "new@example.org"))
        assert coach.password_hash.startswith("$argon2id$")


def test_coach_create_refuses_a_weak_password(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["coach", "create", "--email", "x@example.org", "--name", "X"],
                           input="password1234\npassword1234\n")
    assert result.exit_code != 0
    assert "too common" in result.output
