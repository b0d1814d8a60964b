"""The form for a new compensation rule: amounts typed in euros (a German decimal comma or a
point), hour limits in hours."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, ValidationError

from ....clock import today
from ....labels import label
from ....models.enums import Programme
from ...pages.forms import Form
from .catalogue import DayField

#: The largest amount and hour limit the form takes (a typing error beyond them, not a rule).
MAX_CENTS = 100_000
MAX_HOURS = 2_000


def read_decimal(text: str) -> Decimal | None:
    """ "1.234,50", "1234,5", "20", "0.30", "20 €" -> a Decimal; None when it is not a number.
    A comma is the decimal sign (points then group thousands); a point alone is one too, unless
    three digits follow it in a number without a comma ("1.500" is fifteen hundred)."""
    cleaned = text.replace("€", "").replace("\u00a0", "").replace(" ", "").strip()
    if not re.fullmatch(r"\d[\d.]*(,\d+)?|\d*[.,]\d+", cleaned):
        return None
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"\d{1,3}(\.\d{3})+", cleaned):
        cleaned = cleaned.replace(".", "")
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        return None


class EuroField(StringField):
    """An amount in euros, kept as cents (`cents`); what was typed stays in the field. `invalid`:
    the error, naming the amount (the form has several, and the summary lists each)."""

    cents: int | None = None

    def __init__(self, label, invalid, **kwargs):
        super().__init__(label, render_kw={"inputmode": "decimal"}, **kwargs)  # a phone's number pad
        self.invalid = invalid

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        self.cents = None
        typed = (self.data or "").strip()
        if not typed:
            return
        value = read_decimal(typed)
        if value is None or value.as_tuple().exponent < -2:  # type: ignore[operator]
            raise ValueError(self.invalid)
        if value > MAX_CENTS / 100:
            raise ValueError(_l("Enter at most %(max)d euros.", max=MAX_CENTS // 100))
        self.cents = int(value * 100)


class HoursField(StringField):
    """Hours with up to two decimals, kept as minutes (`minutes`); empty: no limit. `invalid`:
    the error, naming the limit."""

    minutes: int | None = None

    def __init__(self, label, invalid, **kwargs):
        super().__init__(label, render_kw={"inputmode": "decimal"}, **kwargs)  # a phone's number pad
        self.invalid = invalid

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        self.minutes = None
        typed = (self.data or "").strip()
        if not typed:
            return
        value = read_decimal(typed)
        if value is None or value.as_tuple().exponent < -2 or value <= 0:  # type: ignore[operator]
            raise ValueError(self.invalid)
        if value > MAX_HOURS:
            raise ValueError(_l("Enter at most %(max)d hours.", max=MAX_HOURS))
        self.minutes = round(value * 60)


class CompensationRuleForm(Form):
    programme = SelectField(
        _l("Programme"),
        choices=[SelectChoice(programme.value, label(programme)) for programme in Programme],
        validators=[DataRequired(message=_l("Choose a programme."))],
    )
    effective_from = DayField(
        _l("Applies from"),
        description=_l("From tomorrow at the earliest: assignments until then keep the rule of their day."),
        validators=[InputRequired(message=_l("Enter the day from which the rule applies."))],
    )
    per_assignment = EuroField(
        _l("Amount per assignment (euros)"),
        _l("Enter the amount per assignment in euros, e.g. 20 or 12,50."),
        description=_l("For example 20 or 12,50. Empty: none."),
    )
    per_hour = EuroField(
        _l("Amount per hour (euros)"),
        _l("Enter the amount per hour in euros, e.g. 5 or 5,50."),
        description=_l("For example 5. Empty: none."),
    )
    per_km = EuroField(
        _l("Travel allowance per kilometre (euros)"),
        _l("Enter the travel allowance per kilometre in euros, e.g. 0,30."),
        description=_l("For example 0,30; paid for travel on site only, never by phone or video. Empty: none."),
    )
    weekly_hours = HoursField(
        _l("Hours a week at most"),
        _l("Enter the hours a week as a number above 0, e.g. 6 or 7,5, or leave the field empty."),
        description=_l("For volunteers paid by the hour. Empty: no limit."),
    )
    yearly_hours = HoursField(
        _l("Hours a year at most"),
        _l("Enter the hours a year as a number above 0, e.g. 276, or leave the field empty."),
        description=_l("For volunteers paid by the hour. Empty: no limit."),
    )

    def validate_effective_from(self, field) -> None:
        """Said with the other errors at once (the service checks it again)."""
        if field.data is not None and field.data <= today():
            raise ValidationError(_l("Choose a day after today: assignments until today keep the rule of their day."))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if valid and not (self.per_assignment.cents or self.per_hour.cents):
            self.per_assignment.errors = [
                _l("This rule would pay nothing: enter an amount per assignment or per hour (or both).")
            ]
            return False
        return valid
