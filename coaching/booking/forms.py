"""The visitor's booking form and the helpers that check its less obvious fields."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import cache
from zoneinfo import available_timezones

from email_validator import EmailNotValidError, validate_email
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

# Printable text only: a name or phone number never needs control characters,
# and a newline in a name could end up in an email header.
NO_CONTROL = Regexp(r"^[^\x00-\x1f\x7f]*$", message="Remove the special characters.")
ISO_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


@cache
def known_zones() -> frozenset[str]:
    """Every IANA zone name this Python knows (legacy aliases included)."""
    return frozenset(available_timezones())


def is_zone(name: str | None) -> bool:
    return bool(name) and len(name) <= 64 and name in known_zones()


def parse_start(value: str | None) -> datetime | None:
    """Parse an ISO 8601 instant with an explicit offset ("Z" or +00:00); None if not one."""
    if not value or len(value) > 40 or not ISO_UTC.match(value.strip()):
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if not 2000 <= moment.year <= 2200:  # far dates overflow date arithmetic; never bookable
        return None
    return moment.astimezone(UTC)


def _valid_zone(_form, field) -> None:
    if not is_zone(field.data):
        raise ValidationError("Choose a time zone from the list.")


def _valid_start(form, field) -> None:
    form.start_at = parse_start(field.data)
    if form.start_at is None:
        raise ValidationError("Choose a time from the calendar.")


def _valid_email(_form, field) -> None:
    try:
        result = validate_email(field.data or "", check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValidationError(
            "Enter an email address in the correct format, like name@example.com."
        ) from exc
    field.data = result.normalized


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class BookingForm(FlaskForm):
    start = HiddenField(validators=[InputRequired("Choose a time from the calendar."),
                                    _valid_start])
    tz = StringField("Your time zone", validators=[InputRequired("Choose your time zone."),
                                                   _valid_zone])
    name = StringField("Your name", filters=[_strip], validators=[
        InputRequired("Enter your name."), NO_CONTROL,
        Length(max=120, message="Your name must be 120 characters or fewer."),
    ])
    email = StringField("Email address", filters=[_strip], validators=[
        InputRequired("Enter your email address."),
        Length(max=254, message="Your email address must be 254 characters or fewer."),
        _valid_email,
    ])
    phone = StringField("Phone number", filters=[_strip], validators=[
        Optional(), Length(max=40, message="The phone number must be 40 characters or fewer."),
        Regexp(r"^[0-9+()./ -]*$", message="Enter a phone number using digits, spaces and +."),
    ])
    message = TextAreaField("Anything you would like the coach to know?", filters=[_strip],
                            validators=[Optional(), Length(
                                max=2000, message="Your message must be 2,000 characters or "
                                                  "fewer.")])
    agree = BooleanField("I have read the privacy notice and agree that my details are used "
                         "to arrange this call.",
                         validators=[DataRequired("Tick the box to agree to the privacy "
                                                  "notice.")])
    # A field people never see (hidden with CSS, out of the tab order); bots fill it.
    website = StringField("Leave this empty")
    assessment = HiddenField()
    share_assessment = BooleanField("Share my self-assessment result with the coach")

    start_at: datetime | None = None


class RescheduleForm(FlaskForm):
    start = HiddenField(validators=[InputRequired("Choose a time from the calendar."),
                                    _valid_start])
    start_at: datetime | None = None


class CancelForm(FlaskForm):
    reason = TextAreaField("Reason (optional)", filters=[_strip], validators=[
        Optional(), Length(max=500, message="The reason must be 500 characters or fewer.")])
