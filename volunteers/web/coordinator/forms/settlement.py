"""The settlement's forms: open a month (chosen from the past months not opened yet), close it,
move an open item to the next month (with a reason)."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from ....formatting import format_month
from ....models.assignment import REASON_MAX_LENGTH
from ....services.settlement import month_key
from ...pages.forms import Form

#: How far back a month can be opened from the list's form.
MONTHS_BACK = 24


class OpenMonthForm(Form):
    month = SelectField(
        _l("Month"),
        validators=[InputRequired(message=_l("Choose the month to open."))],
        # The route checks the month: a form sent twice names a month opened in the meantime.
        validate_choice=False,
        description=_l("The current month or a past one that has not been opened yet."),
    )

    def offering(self, today: date, opened: set[date]) -> OpenMonthForm:
        month = today.replace(day=1)
        months = []
        for _step in range(MONTHS_BACK):
            if month not in opened:
                months.append(month)
            month = (month - timedelta(days=1)).replace(day=1)
        self.month.choices = [(month_key(each), format_month(each)) for each in months]
        return self


class CloseMonthForm(Form):
    version = HiddenField()


class MoveItemForm(Form):
    reason = TextAreaField(
        _l("Why does it wait for the next month?"),
        description=_l("For example: the organisation answers after its holidays. It goes into the history."),
        validators=[
            DataRequired(message=_l("Say why, in a sentence.")),
            Length(max=REASON_MAX_LENGTH, message=_l("Keep it under %(max)d characters.", max=REASON_MAX_LENGTH)),
        ],
    )
    version = HiddenField()
