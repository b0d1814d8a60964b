"""Forms for a volunteer's profile, availability and trainings: the volunteer fills them in,
and coordinators use the same ones for records they keep."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ... import phones
from ...labels import WEEKDAYS, label
from ...models.enums import (
    Area,
    ContactChannel,
    DayPart,
    Gender,
    LanguageLevel,
    Mobility,
    WorkKind,
)
from ...services.volunteers import ProfileChanges
from ...texts import localized
from ..auth.forms import locale_choices
from ..edge.once import OnceForm
from ..pages.forms import Form, name_field, phone_field
from ..pages.places import place_choices


def _enum_choices(enum_cls, members=None) -> list[SelectChoice]:
    return [SelectChoice(m.value, label(m)) for m in (members or enum_cls)]


def _none_choice(text) -> SelectChoice:
    return SelectChoice("", text)


def _to_enum(enum_cls):
    def coerce(value):
        if value in (None, "") or isinstance(value, enum_cls):
            return value or None
        return enum_cls(value)

    return coerce


class MultiCheckboxField(SelectMultipleField):
    """Several checkboxes in a list (a fieldset in the template)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _sort_key(name: str) -> str:
    """Alphabetical as people expect it: "Ägyptisch" among the A's."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch)).casefold()


def language_choices(keep: Iterable[str] = (), everything: bool = False) -> list[SelectChoice]:
    """The languages to choose from, alphabetically; a language with varieties is a group of
    its own, the language in general first. Retired entries only if in `keep` (what a profile
    or request already has) or with `everything` (a search)."""
    from flask_babel import get_locale
    from sqlalchemy import select

    from ...extensions import db
    from ...models import Language

    locale = get_locale()
    keep = set(keep)
    rows = db.session.execute(select(Language.code, Language.names, Language.parent_code, Language.retired_at)).all()
    names = {row.code: localized(row.names, locale) for row in rows}
    offered = {
        row.code: row
        for row in rows
        if row.code != "deu" and (everything or row.retired_at is None or row.code in keep)
    }

    def text(code: str) -> str:
        return (
            names[code]
            if offered[code].retired_at is None
            else _l("%(language)s (no longer offered)", language=names[code])
        )

    groups: dict[str, list[str]] = {}
    for row in offered.values():
        if row.parent_code is not None:
            groups.setdefault(row.parent_code, []).append(row.code)
    tops = {code for code, row in offered.items() if row.parent_code is None} | set(groups)
    choices = [SelectChoice("", _l("Choose a language"))]
    for top in sorted(tops, key=lambda code: _sort_key(names[code])):
        if top not in groups:
            choices.append(SelectChoice(top, text(top)))
            continue
        if top in offered:
            general = _l("%(language)s (in general)", language=text(top))
            choices.append(SelectChoice(top, general, optgroup=names[top]))
        for code in sorted(groups[top], key=lambda code: _sort_key(names[code])):
            choices.append(SelectChoice(code, text(code), optgroup=names[top]))
    return choices


LEVELS = [SelectChoice("", _l("Level")), *_enum_choices(LanguageLevel)]


class LanguageRow(Form):
    """One row: a language variety and its level. An empty row is ignored."""

    class Meta:
        csrf = False

    code = SelectField(
        _l("Language"),
        choices=language_choices,
        validate_choice=True,
        invalid_choice_message=_l("Choose languages from the list."),
    )
    level = SelectField(_l("Level"), choices=LEVELS, coerce=_to_enum(LanguageLevel), validate_choice=True)

    def validate_level(self, field) -> None:
        if self.code.data and not field.data:
            raise ValidationError(_l("Choose the level for this language."))
        if field.data and not self.code.data:
            raise ValidationError(_l("Choose the language for this level."))


#: The volunteer's own form speaks to them; a coordinator keeping the record reads about them.
OWN_CONTACT_CHOICES = {
    ContactChannel.NONE: _l("None: the organisation contacts me through the centre"),
    ContactChannel.PHONE: _l("My phone number"),
    ContactChannel.EMAIL: _l("My email address"),
}
ABOUT_THE_VOLUNTEER = {
    "mobility": _l("How does the volunteer travel to appointments?"),
    "max_travel_km": _l("How far does the volunteer travel (km, straight line)?"),
    "german_level": _l("Level of German"),
    "contact_channel": _l("What may an organisation see of the volunteer after an accepted assignment?"),
}


class ProfileForm(Form):
    version = HiddenField()
    #: The languages whose removal the person has seen explained (codes, comma-separated).
    confirm_removal = HiddenField()
    #: Set when the form comes back to explain a removal: the languages' names.
    removing: list[str] = []
    given_name = name_field(_l("Given name"), "given-name", _l("Enter the given name."))
    family_name = name_field(_l("Family name"), "family-name", _l("Enter the family name."))
    phone = phone_field()
    home_place = SelectField(_l("Home place"), coerce=int, validators=[Optional()])
    mobility = RadioField(
        _l("How do you travel to appointments?"),
        choices=_enum_choices(Mobility),
        coerce=_to_enum(Mobility),
        validators=[Optional()],
    )
    max_travel_km = IntegerField(
        _l("How far will you travel (km, straight line)?"),
        validators=[Optional(), NumberRange(min=0, max=200, message=_l("Enter a distance between 0 and 200 km."))],
        render_kw={"inputmode": "numeric"},
    )
    german_level = SelectField(
        _l("Your German"),
        choices=[_none_choice(_l("Not stated")), *_enum_choices(LanguageLevel)],
        coerce=_to_enum(LanguageLevel),
        validators=[Optional()],
    )
    languages = FieldList(FormField(LanguageRow), min_entries=3, max_entries=12)
    areas = MultiCheckboxField(_l("Areas"), choices=_enum_choices(Area), coerce=_to_enum(Area))
    kinds = MultiCheckboxField(_l("Kinds of work"), choices=_enum_choices(WorkKind), coerce=_to_enum(WorkKind))
    gender = RadioField(
        _l("Gender"),
        choices=_enum_choices(Gender),
        coerce=_to_enum(Gender),
        default=Gender.NOT_STATED.value,
        description=_l("Used only when a request explicitly asks for a woman or a man."),
        validators=[InputRequired(message=_l("Choose one option, or “not stated”."))],
    )
    gender_self_description = StringField(_l("Self-description"), validators=[Optional(), Length(max=100)])
    contact_channel = RadioField(
        _l("What may an organisation see of you after you accepted an assignment?"),
        choices=_enum_choices(ContactChannel),
        coerce=_to_enum(ContactChannel),
        default=ContactChannel.NONE.value,
        validators=[InputRequired(message=_l("Choose one option."))],
    )
    locale = RadioField(
        _l("Language for the site and for mails"),
        choices=locale_choices,
        validators=[DataRequired(message=_l("Choose a language."))],
    )

    def __init__(self, *args, held_languages: Iterable[str] = (), for_self: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.home_place.choices = [SelectChoice(0, _l("Not stated")), *place_choices()]
        self._languages_offered = language_choices(keep=held_languages)
        self.offer_languages()
        if for_self:
            self.contact_channel.choices = [SelectChoice(m.value, text) for m, text in OWN_CONTACT_CHOICES.items()]
            return
        for name, text in ABOUT_THE_VOLUNTEER.items():
            self[name].label.text = text
        for name in ("given_name", "family_name", "phone"):  # not the coordinator's own details
            self[name].render_kw = {**(self[name].render_kw or {}), "autocomplete": "off"}

    def offer_languages(self) -> None:
        """Every row offers the same list (retired entries only if the profile has them)."""
        for row in self.languages:
            row.code.choices = self._languages_offered

    def changes(self) -> ProfileChanges:
        return ProfileChanges(
            given_name=self.given_name.data,
            family_name=self.family_name.data,
            phone=(self.phone.data or "").strip() or None,
            home_place_id=self.home_place.data or None,
            mobility=self.mobility.data or None,
            max_travel_km=self.max_travel_km.data,
            german_level=self.german_level.data or None,
            languages=[(row.code.data, row.level.data) for row in self.languages if row.code.data],
            areas=set(self.areas.data or []),
            kinds=set(self.kinds.data or []),
            gender=self.gender.data or Gender.NOT_STATED,
            gender_self_description=self.gender_self_description.data,
            contact_channel=self.contact_channel.data or ContactChannel.NONE,
            locale=self.locale.data,
        )

    @classmethod
    def for_profile(cls, profile, **kwargs) -> ProfileForm:
        user = profile.user
        data = {
            "version": profile.version,
            "given_name": user.given_name,
            "family_name": user.family_name,
            "phone": phones.display(profile.phone),
            "home_place": profile.home_place_id or 0,
            "mobility": profile.mobility.value if profile.mobility else None,
            "max_travel_km": profile.max_travel_km,
            "german_level": profile.german_level.value if profile.german_level else "",
            "languages": [{"code": e.language_code, "level": e.level.value} for e in profile.languages],
            "areas": [a.value for a in Area if getattr(profile, f"area_{a.value}")],
            "kinds": [k.value for k in WorkKind if getattr(profile, f"kind_{k.value}")],
            "gender": profile.gender.value,
            "gender_self_description": profile.gender_self_description,
            "contact_channel": profile.contact_channel.value,
            "locale": user.locale,
        }
        form = cls(data=data, held_languages=[e.language_code for e in profile.languages], **kwargs)
        # Room for two more languages than recorded.
        while len(form.languages.entries) < max(3, len(profile.languages) + 2):
            form.languages.append_entry()
        form.offer_languages()
        return form


def slot_name(weekday: int, part: DayPart) -> str:
    return f"slot-{weekday}-{part.value}"


class AvailabilityForm(Form):
    version = HiddenField()
    max_assignments_per_month = IntegerField(
        _l("At most this many assignments a month"),
        validators=[
            InputRequired(message=_l("Enter a number.")),
            NumberRange(min=1, max=31, message=_l("Choose between 1 and 31 assignments a month.")),
        ],
        render_kw={"inputmode": "numeric"},
    )


def availability_form(profile=None, formdata=None) -> AvailabilityForm:
    """The grid of weekday × part of the day, one checkbox each."""

    class Grid(AvailabilityForm):
        pass

    for weekday, day_name in enumerate(WEEKDAYS):
        for part in DayPart:
            setattr(
                Grid, slot_name(weekday, part), BooleanField(_l("%(day)s, %(part)s", day=day_name, part=label(part)))
            )
    if profile is not None and formdata is None:
        data = {"version": profile.version, "max_assignments_per_month": profile.max_assignments_per_month}
        data.update({slot_name(s.weekday, s.day_part): True for s in profile.availability})
        return Grid(data=data)
    return Grid()


def chosen_slots(form: AvailabilityForm) -> set[tuple[int, DayPart]]:
    return {(weekday, part) for weekday in range(7) for part in DayPart if getattr(form, slot_name(weekday, part)).data}


class AbsenceForm(OnceForm):
    starts_on = DateField(_l("First day"), validators=[InputRequired(message=_l("Enter the first day."))])
    ends_on = DateField(_l("Last day"), validators=[InputRequired(message=_l("Enter the last day."))])


class TrainingForm(OnceForm):
    qualification_type = SelectField(
        _l("Training"),
        coerce=lambda value: None if value in ("", None) else int(value),
        validators=[InputRequired(message=_l("Choose the training, or “Other training” and describe it."))],
    )
    other_description = StringField(
        _l("Other training: what was it?"),
        validators=[Optional(), Length(max=300)],
        description=_l("Only if it is not in the list above."),
    )
    provider = StringField(
        _l("Provider"),
        validators=[DataRequired(message=_l("Enter who ran the training.")), Length(max=200)],
        description=_l("For example the WIR-Vielfaltszentrum, a Volkshochschule or the Ethno-Medizinisches Zentrum."),
    )
    completed_on = DateField(
        _l("Completed on"), validators=[InputRequired(message=_l("Enter the date of completion."))]
    )
    teaching_units = IntegerField(
        _l("Teaching units of 45 minutes"),
        validators=[Optional(), NumberRange(min=0, max=2000, message=_l("Enter a number between 0 and 2000."))],
        render_kw={"inputmode": "numeric"},
    )
    proof = FileField(
        _l("Proof: certificate as PDF, JPEG or PNG, at most 5 MB"),
        description=_l("Only you and the centre's coordinators can open it."),
        render_kw={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"},
    )

    def __init__(self, *args, types=(), for_self: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not for_self:
            self.proof.description = _l("Only the volunteer and the centre's coordinators can open it.")
        from flask_babel import get_locale

        locale = str(get_locale() or "de")
        self.qualification_type.choices = [
            SelectChoice("", _l("Please choose")),
            SelectChoice(0, _l("Other training (describe below)")),
            *(SelectChoice(t.id, t.name(locale)) for t in types),
        ]


class StatusForm(Form):
    to_status = HiddenField()
    expected_status = HiddenField()
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=1000)])
