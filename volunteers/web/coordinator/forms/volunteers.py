from __future__ import annotations

import email_validator
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ....labels import label
from ....models.enums import Area, CertificateKind, CertificateResult, LanguageLevel, VolunteerStatus, WorkKind
from ...auth.forms import locale_choices
from ...edge.once import OnceForm
from ...pages.forms import Form, PrefixedForm, name_field, phone_field
from ...pages.places import place_choices
from ...volunteer.forms import _enum_choices, _to_enum, language_choices


def _any(text=None) -> SelectChoice:
    return SelectChoice("", text or _l("Any"))


class FilterForm(Form):
    """The list's filters: in the query string (no names there: the name search is POSTed)."""

    class Meta:
        csrf = False

    place = SelectField(_l("Home place"), coerce=int, validators=[Optional()])
    language = SelectField(_l("Language"), validators=[Optional()])
    min_level = SelectField(
        _l("At least at level"),
        choices=[_any(), *_enum_choices(LanguageLevel)],
        coerce=_to_enum(LanguageLevel),
        validators=[Optional()],
    )
    area = SelectField(
        _l("Area"), choices=[_any(), *_enum_choices(Area)], coerce=_to_enum(Area), validators=[Optional()]
    )
    kind = SelectField(
        _l("Kind of work"),
        choices=[_any(), *_enum_choices(WorkKind)],
        coerce=_to_enum(WorkKind),
        validators=[Optional()],
    )
    qualified_on = DateField(
        _l("May do this work on"),
        validators=[Optional()],
        description=_l("With an area and a kind of work: only volunteers who may do it on that day."),
    )
    status = SelectField(
        _l("Status"),
        choices=[_any(), *_enum_choices(VolunteerStatus)],
        coerce=_to_enum(VolunteerStatus),
        validators=[Optional()],
    )
    expiring_soon = BooleanField(_l("Something runs out within 90 days"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.place.choices = [SelectChoice(0, _l("Any")), *place_choices()]
        self.language.choices = [_any(), *language_choices(everything=True)[1:]]

    def validate_qualified_on(self, field) -> None:
        if field.data and (not self.area.data or not self.kind.data):
            raise ValidationError(_l("Choose an area and a kind of work too."))


class NewVolunteerForm(OnceForm):
    given_name = name_field(_l("Given name"), "off", _l("Enter the given name."))
    family_name = name_field(_l("Family name"), "off", _l("Enter the family name."))
    email = StringField(
        _l("Email address"),
        validators=[Optional(), Length(max=254)],
        description=_l("With an address, the person can be invited to take over the account."),
        render_kw={"inputmode": "email", "autocomplete": "off", "spellcheck": "false"},
    )
    phone = phone_field()
    home_place = SelectField(_l("Home place"), coerce=int, validators=[Optional()])
    locale = RadioField(
        _l("Language for the site and for mails"), choices=locale_choices, default="de", validators=[DataRequired()]
    )
    invite = BooleanField(_l("Send an invitation to take over the account now"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.home_place.choices = [SelectChoice(0, _l("Not stated")), *place_choices()]

    def validate_email(self, field) -> None:
        if field.data:
            try:
                email_validator.validate_email(field.data, check_deliverability=False)
            except email_validator.EmailNotValidError as error:
                raise ValidationError(_l("Enter an email address like name@example.org.")) from error


class CertificateForm(OnceForm):
    kind = RadioField(
        _l("Kind"),
        choices=_enum_choices(CertificateKind),
        coerce=_to_enum(CertificateKind),
        default=CertificateKind.SIMPLE.value,
        validators=[InputRequired(message=_l("Choose the kind."))],
    )
    issued_on = DateField(
        _l("Issued on"),
        validators=[InputRequired(message=_l("Enter the date of issue."))],
        description=_l("When shown, it may be at most three months old."),
    )
    shown_on = DateField(_l("Shown on"), validators=[InputRequired(message=_l("Enter the day it was shown."))])
    result = RadioField(
        _l("Result"),
        choices=_enum_choices(CertificateResult),
        coerce=_to_enum(CertificateResult),
        default=CertificateResult.NO_ENTRIES.value,
        validators=[InputRequired(message=_l("Choose the result."))],
    )


class RejectTrainingForm(Form):
    reason = TextAreaField(
        _l("Reason for rejecting"),
        description=_l("The volunteer reads this in a mail."),
        validators=[DataRequired(message=_l("Give a reason: the volunteer will read it.")), Length(max=2000)],
    )


class StatusChangeForm(PrefixedForm):
    field_prefix = "status"

    to_status = SelectField(_l("New status"), coerce=_to_enum(VolunteerStatus))
    expected_status = StringField()
    reason = TextAreaField(
        _l("Reason"),
        description=_l("Kept in the history; the volunteer reads it in a mail."),
        validators=[DataRequired(message=_l("Give a reason; it is kept in the history.")), Length(max=1000)],
    )

    def offer(self, statuses: list[VolunteerStatus]) -> StatusChangeForm:
        self.to_status.choices = [SelectChoice(s.value, label(s)) for s in statuses]
        return self
