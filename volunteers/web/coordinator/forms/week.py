"""The week view's date field: a GET form (no personal data in it), so it works without
JavaScript and a week can be bookmarked."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import ValidationError
from wtforms.validators import Optional

from ....clock import today
from ....formatting import format_date
from ....services.week import first_and_last_day, within_reach
from ...pages.forms import Form
from .catalogue import DayField


class WeekForm(Form):
    class Meta:
        csrf = False

    week = DayField(
        _l("Show the week of"),
        validators=[Optional()],
        description=_l("Any day of the week you want to see."),
    )

    def validate_week(self, field) -> None:
        if field.data is not None and not within_reach(field.data, today()):
            first, last = first_and_last_day(today())
            raise ValidationError(
                _l(
                    "Choose a day between %(first)s and %(last)s.",
                    first=format_date(first, "long"),
                    last=format_date(last, "long"),
                )
            )
