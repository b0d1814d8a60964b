"""How a volunteer is paid: the programme and the tax-free allowance (coordinators only)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField
from wtforms.validators import InputRequired

from ....models.enums import Programme, TaxAllowance
from ...pages.forms import Form
from ...volunteer.forms import _enum_choices, _to_enum


class FundingForm(Form):
    programme = RadioField(
        _l("Programme"),
        choices=_enum_choices(Programme),
        coerce=_to_enum(Programme),
        validators=[InputRequired(message=_l("Choose the programme."))],
        description=_l("How the volunteer is paid: per assignment, or by the hour within the Lotsen's limits."),
    )
    tax_allowance = RadioField(
        _l("Tax-free allowance"),
        choices=_enum_choices(TaxAllowance),
        coerce=_to_enum(TaxAllowance),
        validators=[InputRequired(message=_l("Choose the allowance."))],
        description=_l(
            "Tax-free per year: 960 € (Ehrenamtspauschale) or 3,300 € (Übungsleiterpauschale). The instructor "
            "allowance only where the volunteer has declared that it applies to them (and not already used elsewhere)."
        ),
    )
    #: The record's version when the page was opened: a change made meanwhile is not overwritten.
    version = HiddenField()
