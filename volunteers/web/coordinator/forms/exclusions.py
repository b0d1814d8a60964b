from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ....extensions import db
from ....models import Organisation, OrganisationStatus
from ...edge.once import OnceForm
from ...pages.forms import Form, PrefixedForm


def _organisation_choices() -> list[SelectChoice]:
    rows = db.session.execute(
        select(Organisation.id, Organisation.name)
        .where(Organisation.status == OrganisationStatus.APPROVED)
        .order_by(Organisation.name)
    ).all()
    return [SelectChoice(0, _l("Choose an organisation")), *(SelectChoice(i, name) for i, name in rows)]


def _organisation_field() -> SelectField:
    return SelectField(_l("Organisation"), coerce=int, validators=[DataRequired(message=_l("Choose an organisation."))])


class OrganisationChoiceForm(Form):
    """Which organisation a request taken by phone is for."""

    class Meta:
        csrf = False  # it is part of the request form, which carries the token

    organisation_id = _organisation_field()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.organisation_id.choices = _organisation_choices()


class ExclusionForm(PrefixedForm, OnceForm):
    field_prefix = "exclusion"

    organisation_id = _organisation_field()
    client_reference = StringField(
        _l("Only for this client reference"),
        validators=[Optional(), Length(max=40)],
        description=_l("Empty: the volunteer is not matched with this organisation at all."),
    )
    reason = TextAreaField(
        _l("Reason"),
        validators=[DataRequired(message=_l("Give a reason; it is kept with the exclusion.")), Length(max=500)],
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.organisation_id.choices = _organisation_choices()
