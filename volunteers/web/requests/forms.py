"""The support request form: organisations fill it in, coordinators too (taken by phone)."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from ...clock import BERLIN, today
from ...models.enums import Area, GenderPreference, Mode, TopicCategory, WorkKind
from ...services.requests import RequestInput
from ..edge.once import OnceForm
from ..pages.forms import Form
from ..pages.places import place_choices
from ..volunteer.forms import _enum_choices, _to_enum, language_choices


class RequestForm(OnceForm):
    version = HiddenField()
    area = RadioField(
        _l("Area"),
        choices=_enum_choices(Area),
        coerce=_to_enum(Area),
        validators=[InputRequired(message=_l("Choose the area."))],
    )
    kind = RadioField(
        _l("Kind of work"),
        choices=_enum_choices(WorkKind),
        coerce=_to_enum(WorkKind),
        validators=[InputRequired(message=_l("Choose the kind of work."))],
    )
    places_needed = IntegerField(
        _l("Volunteers needed"),
        default=1,
        validators=[
            InputRequired(message=_l("Enter a number.")),
            NumberRange(min=1, max=20, message=_l("Between 1 and 20 volunteers.")),
        ],
        description=_l("Usually one; an information event may need more."),
        render_kw={"inputmode": "numeric"},
    )
    language_code = SelectField(
        _l("Language"),
        validators=[DataRequired(message=_l("Choose the language."))],
        invalid_choice_message=_l("Choose a language from the list."),
        description=_l(
            "The variety matters: Dari and Farsi, Sorani and Kurmanji are different. Choose the variety the "
            "person speaks; a language “in general” finds speakers of any of its varieties too."
        ),
    )
    topic = SelectField(
        _l("Topic"),
        choices=[SelectChoice("", _l("Choose a topic")), *_enum_choices(TopicCategory)],
        coerce=_to_enum(TopicCategory),
        validators=[DataRequired(message=_l("Choose a topic."))],
        description=_l("A category only: please never write down a diagnosis."),
    )
    mode = RadioField(
        _l("How"),
        choices=_enum_choices(Mode),
        coerce=_to_enum(Mode),
        default=Mode.ON_SITE.value,
        validators=[InputRequired(message=_l("Choose how the support takes place."))],
    )
    day = DateField(_l("Date"), validators=[InputRequired(message=_l("Enter the date."))])
    start = TimeField(_l("Start time"), validators=[InputRequired(message=_l("Enter the start time."))])
    duration_minutes = IntegerField(
        _l("Estimated duration (minutes)"),
        default=60,
        validators=[
            InputRequired(message=_l("Enter the duration.")),
            NumberRange(min=15, max=480, message=_l("Between 15 and 480 minutes.")),
        ],
        render_kw={"inputmode": "numeric"},
    )
    alternative_day = DateField(_l("Alternative date"), validators=[Optional()])
    alternative_start = TimeField(_l("Alternative start time"), validators=[Optional()])
    place_id = SelectField(
        _lp("location", "Place"),
        coerce=int,
        validators=[Optional()],
        description=_l("Needed for appointments on site; not for phone or video."),
    )
    meeting_point = StringField(
        _l("Meeting point"),
        validators=[Optional(), Length(max=200)],
        description=_l("For example: Klinikum Kassel, main entrance."),
    )
    contact_on_site = StringField(
        _l("Contact on site"),
        validators=[Optional(), Length(max=200)],
        description=_l("Who receives the volunteer, for example a role and a phone number."),
    )
    gender_preference = RadioField(
        _l("Gender of the volunteer"),
        choices=_enum_choices(GenderPreference),
        coerce=_to_enum(GenderPreference),
        default=GenderPreference.NONE.value,
        validators=[InputRequired()],
    )
    minors_involved = BooleanField(_l("Children or young people under 18 take part"))
    urgent = BooleanField(_l("Urgent (less than the usual notice)"))
    urgent_reason = TextAreaField(_l("Why is it urgent?"), validators=[Optional(), Length(max=500)])
    client_reference = StringField(
        _l("Your reference for the person"),
        validators=[DataRequired(message=_l("Enter your reference for the person.")), Length(max=40)],
        description=_l("A code your organisation uses, for example K-2026-017. Never the name."),
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    consent_confirmed = BooleanField(_l("The person agrees that a volunteer is present."))
    not_excluded_confirmed = BooleanField(
        _l(
            "It is not a court or asylum hearing, a therapy session, an important medical consultation "
            "(such as a diagnosis or consent to an operation), or a certified translation."
        )
    )

    def __init__(self, *args, held_language: str | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.place_id.choices = [SelectChoice(0, _l("Choose a place")), *place_choices()]
        # A retired language stays on offer for the request that already asks for it.
        self.language_code.choices = language_choices(keep=[held_language] if held_language else [])
        if not self.day.data and not self.is_submitted():
            self.day.data = today() + timedelta(days=7)

    def data_for_service(self) -> RequestInput:
        return RequestInput(
            area=self.area.data,
            kind=self.kind.data,
            places_needed=self.places_needed.data,
            language_code=self.language_code.data,
            topic=self.topic.data,
            mode=self.mode.data,
            day=self.day.data,
            start=self.start.data,
            duration_minutes=self.duration_minutes.data,
            alternative_day=self.alternative_day.data,
            alternative_start=self.alternative_start.data,
            place_id=self.place_id.data or None,
            meeting_point=self.meeting_point.data,
            contact_on_site=self.contact_on_site.data,
            gender_preference=self.gender_preference.data or GenderPreference.NONE,
            minors_involved=bool(self.minors_involved.data),
            urgent=bool(self.urgent.data),
            urgent_reason=self.urgent_reason.data,
            client_reference=self.client_reference.data or "",
            consent_confirmed=bool(self.consent_confirmed.data),
            not_excluded_confirmed=bool(self.not_excluded_confirmed.data),
        )

    @classmethod
    def for_request(cls, request) -> RequestForm:
        start = request.starts_at.astimezone(BERLIN)
        alternative = request.alternative_starts_at.astimezone(BERLIN) if request.alternative_starts_at else None
        return cls(
            held_language=request.language_code,
            data={
                "version": request.version,
                "area": request.area.value,
                "kind": request.kind.value,
                "places_needed": request.places_needed,
                "language_code": request.language_code,
                "topic": request.topic.value,
                "mode": request.mode.value,
                "day": start.date(),
                "start": start.time().replace(tzinfo=None),
                "duration_minutes": request.duration_minutes,
                "alternative_day": alternative.date() if alternative else None,
                "alternative_start": alternative.time().replace(tzinfo=None) if alternative else None,
                "place_id": request.place_id or 0,
                "meeting_point": request.meeting_point,
                "contact_on_site": request.contact_on_site,
                "gender_preference": request.gender_preference.value,
                "minors_involved": request.minors_involved,
                "urgent": request.urgent,
                "urgent_reason": request.urgent_reason,
                "client_reference": request.client_reference,
                "consent_confirmed": request.consent_confirmed,
                "not_excluded_confirmed": request.not_excluded_confirmed,
            },
        )


class CancelRequestForm(Form):
    reason = TextAreaField(
        _l("Reason"),
        validators=[Optional(), Length(max=500)],
        description=_l("Kept with the request; volunteers are told that it is cancelled, not why."),
    )


class OfferForm(OnceForm):
    """The shortlist: the ranked candidates' checkboxes. `candidates`: the ids the matching
    ranks now (None when the request takes no offers: the service says so)."""

    profile_ids = SelectMultipleField(_l("Volunteers to ask"), validate_choice=False)

    def __init__(self, *args, candidates: set[int] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = candidates

    @property
    def chosen(self) -> list[int]:
        return [int(value) for value in self.profile_ids.data or () if str(value).isdigit()]

    def validate_profile_ids(self, field) -> None:
        if not field.data:
            raise ValidationError(_l("Choose at least one volunteer."))
        if len(self.chosen) != len(field.data) or (
            self.candidates is not None and not set(self.chosen) <= self.candidates
        ):
            raise ValidationError(
                _l(
                    "Some of the chosen volunteers cannot be asked any more (the list has changed). "
                    "Please choose again."
                )
            )
