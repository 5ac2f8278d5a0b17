"""The dashboard's forms: sign-in, account, bookings and mail."""

from __future__ import annotations

from datetime import datetime

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from .passwords import password_problems


def _choices(*pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired("Enter your email address."),
                                            Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired("Enter your password."),
                                                     Length(max=1024)])
    next = HiddenField()


class CodeForm(FlaskForm):
    code = StringField(
        "Code", validators=[DataRequired("Enter the code from your app or a recovery code."),
                            Length(max=32, message="That code is too long.")],
    )


class PasswordChangeForm(FlaskForm):
    current = PasswordField("Current password",
                            validators=[DataRequired("Enter your current password.")])
    new = PasswordField("New password", validators=[DataRequired("Enter a new password."),
                                                    Length(max=1024)])
    confirm = PasswordField("New password again",
                            validators=[DataRequired("Enter the new password again.")])

    def __init__(self, *args, email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self._email = email

    def validate_new(self, field):
        problems = password_problems(field.data or "", email=self._email)
        if problems:
            raise ValidationError(" ".join(problems))

    def validate_confirm(self, field):
        if field.data != self.new.data:
            raise ValidationError("The two new passwords do not match.")


class TotpDisableForm(FlaskForm):
    password = PasswordField("Password", validators=[DataRequired("Enter your password.")])


class NotesForm(FlaskForm):
    coach_notes = TextAreaField("Your notes on this call", validators=[
        Length(max=10000, message="Keep notes under 10,000 characters.")])


class CancelForm(FlaskForm):
    reason = TextAreaField("Reason (sent to the visitor)", validators=[
        DataRequired("Give a reason: it goes into the visitor's email."),
        Length(max=1000, message="Keep the reason under 1,000 characters.")])


class MoveForm(FlaskForm):
    start = StringField("New time", validators=[DataRequired("Choose the new time.")])

    def validate_start(self, field) -> None:
        """Turn the chosen ISO 8601 instant into an aware datetime."""
        try:
            value = datetime.fromisoformat(field.data.strip().replace("Z", "+00:00"))
        except ValueError:
            raise ValidationError("Choose the new time from the list.") from None
        if value.tzinfo is None:
            raise ValidationError("Choose the new time from the list.")
        field.data = value


class MarkForm(FlaskForm):
    status = SelectField("Outcome",
                         choices=_choices(("completed", "Completed"), ("no_show", "No-show")),
                         validators=[InputRequired("Choose an outcome.")])


class ExportForm(FlaskForm):
    class Meta:
        csrf = False  # a read-only GET download

    start = DateField("From", validators=[InputRequired("Enter a start date.")])
    end = DateField("To", validators=[InputRequired("Enter an end date.")])

    def validate_end(self, field):
        if self.start.data and field.data:
            if field.data < self.start.data:
                raise ValidationError("The end date must be on or after the start date.")
            if (field.data - self.start.data).days > 3 * 366:
                raise ValidationError("Export at most three years at a time.")


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    show = SelectField("Show", choices=_choices(("upcoming", "Upcoming"), ("past", "Past"),
                                            ("cancelled", "Cancelled"), ("no_show", "No-show"),
                                            ("all", "All")), default="upcoming",
                       validators=[Optional()])
    q = StringField("Name or email", validators=[Optional(), Length(max=120)])


TOTP_CODE = Regexp(r"^\s*\d{6}\s*$", message="Enter the 6-digit code from your app.")


class TotpConfirmForm(FlaskForm):
    code = StringField("6-digit code", validators=[DataRequired("Enter the 6-digit code."),
                                                   TOTP_CODE])
