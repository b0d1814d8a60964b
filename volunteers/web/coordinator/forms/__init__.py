from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from ...pages.forms import Form


class RejectForm(Form):
    reason = TextAreaField(
        _l("Reason"),
        description=_l("The organisation's contact person reads this in a mail."),
        validators=[
            DataRequired(message=_l("Give a reason: the organisation will read it.")),
            Length(max=2000, message=_l("Use at most 2000 characters.")),
        ],
    )
