"""Form pieces shared by every blueprint."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from ..services.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH


class ConfirmForm(FlaskForm):
    """No fields but the CSRF token: for buttons that POST (logout, retry, confirm)."""


def email_field(label=None, *, own: bool = True) -> StringField:
    """The user's own address, or (`own=False`) someone else's: then the message says "the
    email address", and the browser does not offer to fill in the user's own."""
    return StringField(
        label or _l("Email address"),
        validators=[
            DataRequired(message=_l("Enter your email address.") if own else _l("Enter the email address.")),
            Length(max=254, message=_l("The email address is too long.")),
            Email(message=_l("Enter an email address like name@example.org."), check_deliverability=False),
        ],
        render_kw={"autocomplete": "email" if own else "off", "inputmode": "email", "spellcheck": "false"},
    )


def name_field(label, autocomplete: str, required_message) -> StringField:
    return StringField(
        label,
        validators=[
            DataRequired(message=required_message),
            Length(max=100, message=_l("Use at most 100 characters.")),
        ],
        render_kw={"autocomplete": autocomplete},
    )


class _NotTheEmail:
    def __call__(self, form, field) -> None:
        email = getattr(form, "email", None)
        if email is not None and email.data and field.data and field.data.strip().lower() == email.data.strip().lower():
            raise ValidationError(_l("Your password must not be your email address."))


def new_password_fields(label=None):
    """A new password and its repetition."""
    password = PasswordField(
        label or _l("Password"),
        validators=[
            DataRequired(message=_l("Choose a password.")),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=MAX_PASSWORD_LENGTH,
                message=_l(
                    "Use between %(min)d and %(max)d characters.",
                    min=MIN_PASSWORD_LENGTH,
                    max=MAX_PASSWORD_LENGTH,
                ),
            ),
            _NotTheEmail(),
        ],
        description=_l(
            "At least %(min)d characters. A few unrelated words are easy to remember.", min=MIN_PASSWORD_LENGTH
        ),
        render_kw={"autocomplete": "new-password"},
    )
    repeat = PasswordField(
        _l("Repeat the password"),
        validators=[
            DataRequired(message=_l("Repeat the password.")),
            EqualTo("password", message=_l("The two passwords are not the same.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    return password, repeat
