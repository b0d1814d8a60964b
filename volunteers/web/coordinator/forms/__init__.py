from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ....services.nobody_found import MESSAGE_MAX_LENGTH
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


class NobodyFoundForm(Form):
    """The optional message to the organisation when the centre found nobody (it goes into a mail)."""

    reason = TextAreaField(
        _l("Message to the organisation"),
        description=_l(
            "The organisation reads this in the mail and on its request page, for example where else it could "
            "ask. Write no names and no health details."
        ),
        validators=[
            Optional(),
            Length(max=MESSAGE_MAX_LENGTH, message=_l("Use at most %(num)d characters.", num=MESSAGE_MAX_LENGTH)),
        ],
    )
