"""Organisations' support requests: submit, follow, change until someone is assigned, cancel."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...clock import today
from ...db_types import utcnow
from ...extensions import db
from ...models import Assignment, CreatedRecord, Offer, SupportRequest
from ...models.enums import AssignmentState, OfferState, RequestState
from ...permissions import can_submit_requests
from ...services import board
from ...services import requests as request_service
from ...services.nobody_found import message_to_organisation
from ...services.rate_limits import Action
from ..edge.confirm import confirm_then, no_longer_possible
from ..edge.once import create_once
from ..edge.service_errors import attempt, form_status, submitted_version
from ..pages.pagination import page_number, two_part_page, within_pages
from ..requests.forms import CancelRequestForm, RequestForm
from ..requests.views import cancel_confirmation, cancelled_message, describe, history_of, request_or_404
from ..security.rate_limit import over_limit, too_many
from .blueprint import bp
from .routes import own_organisation


@bp.route("/requests", endpoint="requests")
def list_requests():
    # What is still ahead first, soonest first; then the past, latest first: tomorrow's request
    # is never behind years of old ones.
    query = (
        request_service.visible_to(current_user)
        .options(selectinload(SupportRequest.language), selectinload(SupportRequest.organisation))
        .order_by(SupportRequest.starts_at, SupportRequest.id)
    )
    page = within_pages(two_part_page(*board.upcoming_then_past(query, utcnow()), page_number()))
    may_submit = [m.organisation for m in current_user.memberships if can_submit_requests(current_user, m.organisation)]
    return render_template(
        "organisation/requests.html", page=page, may_submit=may_submit, answers_due=_answers_due(page.items)
    )


def _answers_due(records: list[SupportRequest]) -> dict[int, set[AssignmentState]]:
    """For the requests shown: a report waiting for the organisation's answer, or its objection
    waiting for the centre (one statement for the page)."""
    waiting: dict[int, set[AssignmentState]] = {}
    if not records:
        return waiting
    rows = db.session.execute(
        select(Assignment.request_id, Assignment.state).where(
            Assignment.request_id.in_([record.id for record in records]),
            Assignment.state.in_((AssignmentState.REPORTED, AssignmentState.DISPUTED)),
        )
    )
    for request_id, state in rows:
        waiting.setdefault(request_id, set()).add(state)
    return waiting


@bp.route("/<int:organisation_id>/requests/new", methods=["GET", "POST"])
def new_request(organisation_id: int):
    organisation = own_organisation(organisation_id)
    if not can_submit_requests(current_user, organisation):
        flash(_("Requests can be submitted once the centre has approved the organisation."), "error")
        return redirect(url_for("organisation.detail", organisation_id=organisation.id))
    form = RequestForm()
    template = "organisation/request_form.html"
    if form.validate_on_submit():
        if wait := over_limit(Action.REQUEST):  # every coordinator is mailed
            return too_many(form, template, wait, organisation=organisation, record=None)
        created = create_once(
            form,
            CreatedRecord.REQUEST,
            lambda: request_service.submit(current_user, organisation, form.data_for_service(), today()),
        )
        if created:
            if not created.again:
                flash(_("Your request is submitted. The centre looks for volunteers and tells you by mail."), "success")
            return redirect(url_for("organisation.request", request_id=created.record_id))
    return render_template(template, form=form, organisation=organisation, record=None), form_status(form)


def _accepted(record: SupportRequest) -> list[Offer]:
    return [offer for offer in record.offers if offer.state is OfferState.ACCEPTED]


@bp.route("/requests/<int:request_id>", endpoint="request")
def show_request(request_id: int):
    record = request_or_404(request_id)
    return render_template(
        "organisation/request.html",
        record=record,
        accepted=_accepted(record),
        history=describe(history_of(record), record, for_centre=False),
        may_edit=request_service.may_edit(current_user, record),
        centre_message=message_to_organisation(record),
    )


@bp.route("/requests/<int:request_id>/edit", methods=["GET", "POST"])
def edit_request(request_id: int):
    record = request_or_404(request_id)
    if not request_service.may_edit(current_user, record):
        flash(_("This request can no longer be changed here. Please call the centre."), "error")
        return redirect(url_for("organisation.request", request_id=record.id))
    form = (
        RequestForm(held_language=record.language_code) if request.method == "POST" else RequestForm.for_request(record)
    )
    if form.validate_on_submit():
        if wait := over_limit(Action.REQUEST):  # volunteers already asked are told by mail
            organisation = record.organisation
            return too_many(form, "organisation/request_form.html", wait, organisation=organisation, record=record)
        if attempt(
            lambda: request_service.edit(
                current_user, record, form.data_for_service(), submitted_version(form), today()
            ),
            form,
            done=_("The request is changed."),
            record=record,
        ):
            return redirect(url_for("organisation.request", request_id=record.id))
    return render_template(
        "organisation/request_form.html", form=form, organisation=record.organisation, record=record
    ), form_status(form)


@bp.route("/requests/<int:request_id>/cancel", methods=["GET", "POST"])
def cancel_request(request_id: int):
    record = request_or_404(request_id)
    back = url_for("organisation.request", request_id=record.id)
    message = no_longer_possible(record, RequestState.CANCELLED)
    if message is None and not request_service.may_cancel(current_user, record):
        message = _("The appointment has begun or is over, so the request can no longer be cancelled.")
    if message is not None:
        flash(message, "error")
        return redirect(back)
    form = CancelRequestForm()
    return confirm_then(
        lambda: cancel_confirmation(record, False, back),
        form,
        lambda: request_service.cancel(current_user, record, form.reason.data),
        cancelled_message(record, False),
        back,
        limit=Action.REQUEST,
    )
