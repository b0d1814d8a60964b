from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp
from wtforms import BooleanField, HiddenField, PasswordField, RadioField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length

from ...i18n import language_name, supported_locales
from ..edge.once import OnceForm
from ..pages.forms import Form, PrefixedForm, email_field, name_field, new_password_fields
from ..pages.places import place_choices


def locale_choices() -> list[SelectChoice]:
    """Each offered language under its own name ("Deutsch", "English", "العربية" ...)."""
    return [SelectChoice(code, language_name(code)) for code in supported_locales()]


def _privacy_field() -> BooleanField:
    return BooleanField(
        _l("I have read the data-protection information and agree that my data is processed as described there."),
        validators=[DataRequired(message=_l("Please confirm that you have read the data-protection information."))],
    )


def _locale_field() -> RadioField:
    return RadioField(
        _l("Language for the site and for mails"),
        choices=locale_choices,
        default="de",
        validators=[DataRequired(message=_l("Choose a language."))],
    )


class LoginForm(Form):
    email = StringField(
        _l("Email address"),
        validators=[DataRequired(message=_l("Enter your email address.")), Length(max=254)],
        render_kw={"autocomplete": "username", "inputmode": "email", "spellcheck": "false"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(message=_l("Enter your password.")), Length(max=256)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(
        _l("Stay logged in on this device"),
        description=_l("Only on your own device, never on a shared computer."),
    )
    next = HiddenField()


class _PersonFields(Form):
    given_name = name_field(_l("Given name"), "given-name", _l("Enter your given name."))
    family_name = name_field(_l("Family name"), "family-name", _l("Enter your family name."))
    email = email_field()
    password, password_repeat = new_password_fields()
    locale = _locale_field()


class VolunteerRegistrationForm(_PersonFields, OnceForm):
    privacy = _privacy_field()


def _organisation_name_field() -> StringField:
    return StringField(
        _l("Name of the organisation"),
        validators=[
            DataRequired(message=_l("Enter the name of the organisation.")),
            Length(max=200, message=_l("Use at most 200 characters.")),
        ],
        render_kw={"autocomplete": "organization"},
    )


def _place_field() -> SelectField:
    return SelectField(
        _lp("location", "Place"),
        coerce=int,
        description=_l("Where the organisation is based."),
        validators=[DataRequired(message=_l("Choose a place."))],
    )


class OrganisationFields(OnceForm):
    organisation_name = _organisation_name_field()
    place = _place_field()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.place.choices = [SelectChoice(0, _l("Choose a place")), *place_choices()]


class OrganisationRegistrationForm(OrganisationFields, _PersonFields):
    privacy = _privacy_field()


class BecomeVolunteerForm(Form):
    privacy = _privacy_field()


class ForgotPasswordForm(Form):
    email = email_field()


class ResetPasswordForm(Form):
    password, password_repeat = new_password_fields(_l("New password"))


class FirstPasswordForm(Form):
    """A reset link for an account the centre recorded, which has no password yet."""

    password, password_repeat = new_password_fields()
    privacy = _privacy_field()


class ChangePasswordForm(Form):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(message=_l("Enter your current password.")), Length(max=256)],
        render_kw={"autocomplete": "current-password"},
    )
    password, password_repeat = new_password_fields(_l("New password"))


class InvitationAccountForm(Form):
    given_name = name_field(_l("Given name"), "given-name", _l("Enter your given name."))
    family_name = name_field(_l("Family name"), "family-name", _l("Enter your family name."))
    password, password_repeat = new_password_fields()
    locale = _locale_field()
    privacy = _privacy_field()


class SecondFactorCodeForm(Form):
    """The second step of the login."""

    code = StringField(
        _l("Code"),
        description=_l("The 6 digits your authenticator app shows now, or one of your recovery codes."),
        validators=[DataRequired(message=_l("Enter the code.")), Length(max=40)],
        render_kw={"autocomplete": "one-time-code", "spellcheck": "false", "autocapitalize": "none"},
    )


class SecondFactorSetupForm(Form):
    code = StringField(
        _l("Code from the app"),
        description=_l("The 6 digits the app shows for this account after you have added it."),
        validators=[DataRequired(message=_l("Enter the code.")), Length(max=40)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"},
    )


class PasswordConfirmForm(Form):
    """A change to the second factor asks for the password again (use a prefix per form on a page)."""

    current_password = PasswordField(
        _l("Your current password"),
        validators=[DataRequired(message=_l("Enter your current password.")), Length(max=256)],
        render_kw={"autocomplete": "current-password"},
    )


class EmailChangeForm(PrefixedForm):
    """On "Login and security", beside the password forms of the second factor."""

    field_prefix = "email"

    new_email = email_field(_l("New email address"))
    current_password = PasswordField(
        _l("Your current password"),
        description=_l("So that nobody who finds your account open can move it to another address."),
        validators=[DataRequired(message=_l("Enter your current password.")), Length(max=256)],
        render_kw={"autocomplete": "current-password"},
    )
