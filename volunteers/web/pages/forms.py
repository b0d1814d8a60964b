"""Form pieces shared by every blueprint."""

from __future__ import annotations

from flask import g
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto  # FlaskForm's "no formdata given: read the request"
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from ... import phones
from ...services.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH


class Form(FlaskForm):
    """The base of every form of the app: a FlaskForm that, on the page a timed-out submission
    returns to after the login, opens with what was typed then (web/edge/kept_forms.py), if that
    submission carried any of its fields."""

    class Meta:
        def wrap_formdata(self, form, formdata):
            entries = g.get("kept_entries")
            # A form filled from its record (formdata=None) takes them too: there are entries
            # only on the GET of the page they return to, once, after the login.
            if entries is not None and (formdata is _Auto or formdata is None) and _typed_into(form, entries):
                return entries
            return super().wrap_formdata(form, formdata)


def _typed_into(form, entries) -> bool:
    names = {field.name for field in form if field.type != "CSRFTokenField"}
    return any(name in entries and not name.endswith("submission_key") for name in names)


class ConfirmForm(Form):
    """No fields but the CSRF token: for buttons that POST (logout, retry, confirm)."""


class PrefixedForm(Form):
    """A form shown on a page beside other forms: its field names and ids start with
    `field_prefix`, so two forms with a field of the same name (a reason) never share an id."""

    field_prefix = ""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("prefix", self.field_prefix)
        super().__init__(*args, **kwargs)


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


class PhoneNumber:
    """A phone number that `phones.normalise` accepts (German by default); empty passes, so
    combine with DataRequired where one is required. The service stores it normalised."""

    def __call__(self, form, field) -> None:
        if field.data and field.data.strip():
            try:
                phones.normalise(field.data)
            except phones.InvalidPhone as error:
                raise ValidationError(error.message) from None


def phone_field(label=None, description=None) -> StringField:
    """An optional phone field for every form that asks for a number: checked, and shown as
    people write it (a stored "+495611234567" appears as "0561 1234567")."""
    return StringField(
        label or _l("Phone"),
        validators=[Optional(), PhoneNumber()],
        description=description or _l("For example 0561 1234567, or with the country code: +43 1 234567."),
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        render_kw={"autocomplete": "tel", "inputmode": "tel"},
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
