"""Organisations that registered: the list by status, one organisation's page, approving and rejecting."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...models import Organisation, OrganisationStatus
from ...services import organisations
from ...services.rate_limits import Action
from ..edge.service_errors import attempt
from ..organisation.routes import invitations_of, members_of
from ..pages.forms import ConfirmForm
from ..pages.pagination import paginate
from ..security.rate_limit import over_limit, wait_message
from .blueprint import bp
from .forms import RejectForm
from .notes import add_note, notes_section
from .organisation_details import history_section


def pending_query():
    return (
        select(Organisation)
        .where(Organisation.status == OrganisationStatus.PENDING)
        .options(selectinload(Organisation.place), selectinload(Organisation.contact))
        .order_by(Organisation.created_at)
    )


ORGANISATION_FILTERS = {status.value: status for status in OrganisationStatus}


@bp.route("/organisations")
def organisations_list():
    status = ORGANISATION_FILTERS.get(request.args.get("status", "pending"), OrganisationStatus.PENDING)
    query = (
        select(Organisation)
        .where(Organisation.status == status)
        .options(selectinload(Organisation.place), selectinload(Organisation.contact))
        .order_by(
            Organisation.created_at.desc() if status is not OrganisationStatus.PENDING else Organisation.created_at
        )
    )
    page = paginate(query)
    return render_template(
        "coordinator/organisations.html", page=page, status=status, statuses=list(OrganisationStatus)
    )


def render_organisation(
    organisation: Organisation, reject_form: RejectForm | None = None, status: int = 200, note_form=None
):
    return render_template(
        "coordinator/organisation.html",
        organisation=organisation,
        members=members_of(organisation),
        invitations=invitations_of(organisation),
        approve_form=ConfirmForm(),
        reject_form=reject_form or RejectForm(),
        **notes_section(organisation, note_form),
        **history_section(organisation),
    ), status


@bp.route("/organisations/<int:organisation_id>")
def organisation(organisation_id: int):
    return render_organisation(db.get_or_404(Organisation, organisation_id))


@bp.post("/organisations/<int:organisation_id>/notes", endpoint="add_organisation_note")
def add_organisation_note(organisation_id: int):
    organisation = db.get_or_404(Organisation, organisation_id)
    return add_note(organisation, lambda form: render_organisation(organisation, status=400, note_form=form))


@bp.post("/organisations/<int:organisation_id>/approve")
def approve_organisation(organisation_id: int):
    organisation = db.get_or_404(Organisation, organisation_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash(_("The form had expired. Please try again."), "error")
        return render_organisation(organisation, status=400)
    if wait := over_limit(Action.DECISION):  # the organisation is told by mail
        flash(wait_message(wait), "error")
        page, _status = render_organisation(organisation)
        return page, 429, {"Retry-After": str(wait)}
    if not attempt(
        lambda: organisations.approve(current_user, organisation),
        done=_("%(name)s is approved; its contact person has been told by mail.", name=organisation.name),
    ):
        return render_organisation(db.get_or_404(Organisation, organisation_id), status=409)
    return redirect(url_for("coordinator.organisations_list"))


@bp.post("/organisations/<int:organisation_id>/reject")
def reject_organisation(organisation_id: int):
    organisation = db.get_or_404(Organisation, organisation_id)
    form = RejectForm()
    if not form.validate_on_submit():
        return render_organisation(organisation, form, status=400)
    if wait := over_limit(Action.DECISION):
        form.form_errors.append(wait_message(wait))
        page, _status = render_organisation(organisation, form)
        return page, 429, {"Retry-After": str(wait)}
    outcome = attempt(
        lambda: organisations.reject(current_user, organisation, form.reason.data),
        form,
        done=_("%(name)s is rejected; its contact person has been told the reason by mail.", name=organisation.name),
    )
    if outcome:
        return redirect(url_for("coordinator.organisations_list"))
    if outcome.error is not None and outcome.error.field:  # the reason: shown at its field
        return render_organisation(organisation, form, status=400)
    # Decided by someone else meanwhile: the page has no decision form any more, so what would
    # stand above the form is flashed.
    for message in form.form_errors:
        flash(str(message), "error")
    form.form_errors.clear()
    return render_organisation(db.get_or_404(Organisation, organisation_id), form, status=409)
