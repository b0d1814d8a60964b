"""Coordinators change an organisation's details, its name included; the organisation's page
shows the history of those changes."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from ...extensions import db
from ...models import Organisation
from ...services import organisation_details
from ..edge.service_errors import form_status
from ..organisation.details import DetailsForm, save_details
from ..pages.pagination import paginate
from .blueprint import bp

CHANGES_PER_PAGE = 10


class CentreDetailsForm(DetailsForm):
    name = StringField(
        _l("Name of the organisation"),
        validators=[
            DataRequired(message=_l("Enter the name of the organisation.")),
            Length(max=200, message=_l("Use at most 200 characters.")),
        ],
        render_kw={"autocomplete": "organization"},
    )


def history_section(organisation: Organisation) -> dict:
    """A page of the history of the organisation's details, the newest first."""
    return {
        "changes": paginate(
            organisation_details.changes_of(organisation), per_page=CHANGES_PER_PAGE, name="changes_page"
        ),
        "detail_labels": organisation_details.DETAILS,
    }


@bp.route("/organisations/<int:organisation_id>/edit", methods=["GET", "POST"])
def edit_organisation(organisation_id: int):
    organisation = db.get_or_404(Organisation, organisation_id)
    form = (
        CentreDetailsForm(organisation)
        if request.method == "POST"
        else CentreDetailsForm.for_organisation(organisation)
    )
    if form.validate_on_submit() and save_details(organisation, form):
        flash(_("The details are saved."), "success")
        return redirect(url_for("coordinator.organisation", organisation_id=organisation.id) + "#changes")
    return render_template("coordinator/organisation_edit.html", form=form, organisation=organisation), form_status(
        form
    )
