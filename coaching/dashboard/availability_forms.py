"""Forms for opening hours, date overrides, time off and the booking rules."""

from __future__ import annotations

from functools import cache
from urllib.parse import urlsplit
from zoneinfo import available_timezones

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@cache
def timezone_choices() -> list[tuple[str, str]]:
    zones = sorted(z for z in available_timezones() if "/" in z and not z.startswith("Etc/"))
    return [SelectChoice("UTC")] + [SelectChoice(z, z.replace("_", " ")) for z in zones]


class HoursForm(FlaskForm):
    weekday = SelectField("Day", coerce=int,
                          choices=[SelectChoice(day, name) for day, name in enumerate(WEEKDAYS)],
                          validators=[InputRequired("Choose a day.")])
    start = TimeField("From", validators=[InputRequired("Enter a start time as HH:MM.")])
    end = TimeField("To", validators=[InputRequired("Enter an end time as HH:MM.")])


class OverrideForm(FlaskForm):
    date = DateField("Date", validators=[InputRequired("Enter a date.")])
    kind = SelectField("Change", choices=[
        SelectChoice("closed", "Closed all day"),
        SelectChoice("hours", "Different hours (replace the usual ones)"),
        SelectChoice("extra", "Extra opening (on top of the usual hours)")],
                       validators=[InputRequired("Choose what kind of change this is.")])
    start = TimeField("From", validators=[Optional()])
    end = TimeField("To", validators=[Optional()])
    note = StringField("Note to yourself", validators=[Optional(), Length(max=200)])


class TimeOffForm(FlaskForm):
    first = DateField("First day off", validators=[InputRequired("Enter the first day off.")])
    last = DateField("Last day off", validators=[InputRequired("Enter the last day off.")])
    note = StringField("Note to yourself", validators=[Optional(), Length(max=200)])


def _minutes(label: str, low: int, high: int) -> IntegerField:
    return IntegerField(label, validators=[
        InputRequired(f"Enter {label.lower()} as a whole number."),
        NumberRange(low, high, message=f"Use a number from {low} to {high}.")])


class RulesForm(FlaskForm):
    slot_step_minutes = _minutes("Start times every (minutes)", 5, 240)
    buffer_before_minutes = _minutes("Free time before a call (minutes)", 0, 240)
    buffer_after_minutes = _minutes("Free time after a call (minutes)", 0, 240)
    min_notice_hours = _minutes("Minimum notice (hours)", 0, 2160)
    no_same_day = BooleanField("No bookings for the same day")
    horizon_days = _minutes("Bookable up to (days ahead)", 1, 365)
    max_per_day = _minutes("At most this many calls a day", 1, 100)
    timezone = SelectField("Your time zone", validators=[InputRequired("Choose a time zone.")])
    meeting_url = URLField("Video call link", validators=[Optional(), Length(max=500)])
    meeting_details = TextAreaField("How the call happens (sent to visitors)", validators=[
        InputRequired("Describe how the call happens."), Length(max=2000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = timezone_choices()

    def validate_meeting_url(self, field):
        if field.data:
            parts = urlsplit(field.data.strip())
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise ValidationError("Enter a full web address starting with https://.")
