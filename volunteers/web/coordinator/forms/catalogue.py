"""Forms of the catalogue pages: training types, requirements, declaration texts.

The choices of the checkbox groups are the other training types, set by the view per request.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields import DateField
from wtforms.validators import DataRequired, InputRequired, Length, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from ....labels import label
from ....models.enums import LanguageLevel, QualificationArea
from ....services.catalogue import (
    CODE_MAX_LENGTH,
    CODE_PATTERN,
    MAX_MONTHS,
    MAX_SORT_ORDER,
    MAX_TEACHING_UNITS,
    NAME_MAX_LENGTH,
)
from ...edge.once import OnceForm
from ...pages.forms import Form

DECLARATION_MAX_LENGTH = 20_000


class WholeNumberField(IntegerField):
    """An integer that may be left empty (None), with our own message for what is not a number.
    What was typed is shown again as it was."""

    #: Text with a numeric keyboard, not type="number": browsers silently drop what a number
    #: input cannot parse, so a typo would arrive as "empty" instead of as an error.
    widget = TextInput()

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = int(valuelist[0].strip())
        except ValueError:
            self.data = None
            raise ValueError(_l("Enter a whole number, e.g. 24.")) from None


class DayField(DateField):
    """A date input (type="date") with our own message for what is not a date."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Enter a date, e.g. 2026-03-31.")) from None


class Between:
    """Checks a number that is present; an empty field is left to `InputRequired` if needed."""

    def __init__(self, low: int, high: int) -> None:
        self.low, self.high = low, high

    def __call__(self, form, field) -> None:
        if field.data is not None and not self.low <= field.data <= self.high:
            raise ValidationError(_l("Enter a number from %(low)d to %(high)d.", low=self.low, high=self.high))


class CheckboxesField(SelectMultipleField):
    """A group of checkboxes; values are type ids."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, coerce=int, **kwargs)

    def pre_validate(self, form) -> None:
        known = {choice.value for choice in (self.choices or [])}
        if any(value not in known for value in self.data or ()):
            raise ValidationError(_l("One of the chosen trainings no longer exists. Please check the list."))


def enum_choices(enum_cls) -> list[SelectChoice]:
    return [SelectChoice(member.value, label(member)) for member in enum_cls]


def _level_choices() -> list[SelectChoice]:
    return [SelectChoice("", _l("No minimum")), *enum_choices(LanguageLevel)]


class QualificationTypeForm(OnceForm):
    code = StringField(
        _l("Code"),
        description=_l("A short stable name for imports, e.g. “health-module”: lowercase letters, digits and hyphens."),
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[
            DataRequired(message=_l("Enter a code.")),
            Length(max=CODE_MAX_LENGTH, message=_l("Use at most %(num)d characters.", num=CODE_MAX_LENGTH)),
            Regexp(
                CODE_PATTERN,
                message=_l("Use lowercase letters, digits and single hyphens only, e.g. “health-module”."),
            ),
        ],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    name_de = StringField(
        _l("Name in German"),
        validators=[
            DataRequired(message=_l("Enter the name.")),
            Length(max=NAME_MAX_LENGTH, message=_l("Use at most %(num)d characters.", num=NAME_MAX_LENGTH)),
        ],
        render_kw={"lang": "de", "autocomplete": "off"},
    )
    name_en = StringField(
        _l("Name in English"),
        validators=[
            DataRequired(message=_l("Enter the name.")),
            Length(max=NAME_MAX_LENGTH, message=_l("Use at most %(num)d characters.", num=NAME_MAX_LENGTH)),
        ],
        render_kw={"lang": "en", "autocomplete": "off"},
    )
    area = SelectField(
        _l("Area"), choices=lambda: enum_choices(QualificationArea), default=QualificationArea.GENERAL.value
    )
    teaching_units = WholeNumberField(
        _l("Teaching units"),
        description=_l("Of 45 minutes each."),
        validators=[Between(0, MAX_TEACHING_UNITS)],
        render_kw={"inputmode": "numeric"},
    )
    validity_months = WholeNumberField(
        _l("Valid for (months)"),
        description=_l(
            "Leave empty if the certificate does not expire. A change applies to trainings verified from now "
            "on: trainings already verified keep the “valid until” date computed when they were verified."
        ),
        validators=[Between(1, MAX_MONTHS)],
        render_kw={"inputmode": "numeric"},
    )
    refresher_months = WholeNumberField(
        _l("Refresher needed every (months)"),
        description=_l(
            "To stay in good standing, a volunteer needs one of the refresher trainings below within this many "
            "months of the training or of their last refresher. Leave empty if no refresher is needed."
        ),
        validators=[Between(1, MAX_MONTHS)],
        render_kw={"inputmode": "numeric"},
    )
    refreshers = CheckboxesField(
        _l("Trainings that count as a refresher"),
        description=_l("Needed exactly when a refresher interval is given."),
    )
    includes = CheckboxesField(
        _l("Whoever holds this training also counts as holding"),
        description=_l("For example, the MiMi health mediator course includes the health guide course."),
    )
    active = BooleanField(
        _l("Active: volunteers and coordinators can choose it"),
        description=_l("A retired training stays on old records but cannot be chosen any more."),
        default=True,
    )
    sort_order = WholeNumberField(
        _l("Position in lists"),
        description=_l("Smaller numbers come first."),
        validators=[InputRequired(message=_l("Enter a number.")), Between(0, MAX_SORT_ORDER)],
        default=100,
        render_kw={"inputmode": "numeric"},
    )


class RequirementForm(Form):
    min_german_level = SelectField(_l("Minimum level of German"), choices=_level_choices)
    min_language_level = SelectField(
        _l("Minimum level in the other language"),
        description=_l("The language of the assignment; native speakers always meet it."),
        choices=_level_choices,
    )
    needs_police_certificate = BooleanField(_l("A police certificate is needed"))
    extended_certificate_for_minors = BooleanField(
        _l("With minors involved, only the extended certificate (§ 30a BZRG) counts")
    )
    group1 = CheckboxesField(
        _l("One of these trainings"),
        description=_l("At least one. A training that includes one of them counts too."),
    )
    group2 = CheckboxesField(
        _l("And also one of these trainings"),
        description=_l("Choose none if the first group is enough."),
    )


class DeclarationVersionForm(OnceForm):
    body_de = TextAreaField(
        _l("Text in German"),
        validators=[
            DataRequired(message=_l("Enter the text.")),
            Length(
                max=DECLARATION_MAX_LENGTH, message=_l("Use at most %(num)d characters.", num=DECLARATION_MAX_LENGTH)
            ),
        ],
        render_kw={"lang": "de", "rows": 14},
    )
    body_en = TextAreaField(
        _l("Text in English"),
        validators=[
            DataRequired(message=_l("Enter the text.")),
            Length(
                max=DECLARATION_MAX_LENGTH, message=_l("Use at most %(num)d characters.", num=DECLARATION_MAX_LENGTH)
            ),
        ],
        render_kw={"lang": "en", "rows": 14},
    )
    effective_from = DayField(
        _l("Required from"),
        description=_l(
            "Volunteers are asked to sign the new text at once. Until this day the previous text still counts, "
            "so that the pool does not go dark overnight; from this day on, only volunteers who signed the new "
            "text can be matched. It cannot lie in the past."
        ),
        validators=[InputRequired(message=_l("Enter the date from which the text is required."))],
    )
