"""Account forms. Field limits match the database columns."""

from __future__ import annotations

from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from certify.core.passwords import MAX_LENGTH, password_problems


def checked_email(_form: Any, field: Any) -> None:
    """Reject malformed addresses with the validator's own explanation."""
    try:
        result = validate_email(field.data or "", check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValidationError(f"Enter a valid email address: {exc}") from None
    field.data = result.normalized.lower()


def strong_password(form: Any, field: Any) -> None:
    email = getattr(form, "email", None)
    name = getattr(form, "name", None)
    problems = password_problems(
        field.data or "", email=email.data or "" if email else "", name=name.data or "" if name else ""
    )
    if problems:
        raise ValidationError(" ".join(problems))


EMAIL = [DataRequired("Enter your email address."), Length(max=254), checked_email]


def strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


TRIM = [strip]


class LoginForm(FlaskForm):
    email = EmailField("Email address", validators=[DataRequired("Enter your email address."), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired("Enter your password."), Length(max=MAX_LENGTH)])
    submit = SubmitField("Sign in")


class RegisterForm(FlaskForm):
    name = StringField("Full name", validators=[DataRequired("Enter your name."), Length(max=120)], filters=TRIM)
    email = EmailField("Email address", validators=EMAIL, filters=TRIM)
    password = PasswordField("Password", validators=[DataRequired("Choose a password."), strong_password])
    confirm = PasswordField(
        "Repeat the password",
        validators=[DataRequired("Repeat the password."), EqualTo("password", "The passwords do not match.")],
    )
    submit = SubmitField("Create account")


class ForgotPasswordForm(FlaskForm):
    email = EmailField("Email address", validators=EMAIL, filters=TRIM)
    submit = SubmitField("Send reset link")


class ResetPasswordForm(FlaskForm):
    password = PasswordField("New password", validators=[DataRequired("Choose a password.")])
    confirm = PasswordField(
        "Repeat the new password",
        validators=[DataRequired("Repeat the password."), EqualTo("password", "The passwords do not match.")],
    )
    submit = SubmitField("Set password")


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password", validators=[DataRequired("Enter your current password."), Length(max=MAX_LENGTH)]
    )
    password = PasswordField("New password", validators=[DataRequired("Choose a new password.")])
    confirm = PasswordField(
        "Repeat the new password",
        validators=[DataRequired("Repeat the password."), EqualTo("password", "The passwords do not match.")],
    )
    submit = SubmitField("Change password")


class ConfirmForm(FlaskForm):
    """A button-only form: carries the CSRF token for a state-changing POST."""

    submit = SubmitField("Confirm")
