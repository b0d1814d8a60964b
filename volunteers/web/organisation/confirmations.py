"""The organisation confirms what volunteers reported of its appointments, or objects; what
it does not answer within CONFIRMATION_DAYS counts as confirmed."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...models import Assignment, SupportRequest
from ...models.enums import Actor, AssignmentState
from ...notifications.requests import appointment
from ...services import assignments
from ...services.rate_limits import Action
from ...services.transitions import By
from ..edge.service_errors import attempt, form_status
from ..pages.forms import ConfirmForm
from ..pages.pagination import paginate
from ..reports.forms import DisputeForm
from ..security.rate_limit import over_limit, too_many
from .blueprint import bp

#: Reports per page of the list to confirm.
TO_CONFIRM_PER_PAGE = 20


def _of_own_organisations() -> Select[tuple[Assignment]]:
    organisation_ids = [m.organisation_id for m in current_user.memberships]
    return (
        select(Assignment)
        .join(SupportRequest, SupportRequest.id == Assignment.request_id)
        .where(SupportRequest.organisation_id.in_(organisation_ids))
    )


def _own_or_404(assignment_id: int) -> Assignment:
    return db.one_or_404(_of_own_organisations().where(Assignment.id == assignment_id))


@bp.route("/to-confirm")
def to_confirm():
    query = (
        _of_own_organisations()
        .where(Assignment.state == AssignmentState.REPORTED)
        .options(
            selectinload(Assignment.request).selectinload(SupportRequest.language),
            selectinload(Assignment.request).selectinload(SupportRequest.place),
            selectinload(Assignment.request).selectinload(SupportRequest.organisation),
        )
        .order_by(Assignment.reported_at, Assignment.id)
    )
    page = paginate(query, per_page=TO_CONFIRM_PER_PAGE)
    return render_template(
        "organisation/to_confirm.html",
        page=page,
        appointments={a.id: appointment(a.request) for a in page.items},
        days=current_app.config["CONFIRMATION_DAYS"],
        form=ConfirmForm(),
    )


@bp.post("/assignments/<int:assignment_id>/confirm")
def confirm_assignment(assignment_id: int):
    assignment = _own_or_404(assignment_id)
    if ConfirmForm().validate_on_submit():
        attempt(
            lambda: assignments.confirm(By(Actor.ORGANISATION, current_user), assignment),
            done=_("Confirmed. Thank you!"),
        )
    return redirect(url_for("organisation.to_confirm"))


@bp.route("/assignments/<int:assignment_id>/dispute", methods=["GET", "POST"])
def dispute_assignment(assignment_id: int):
    assignment = _own_or_404(assignment_id)
    if assignment.state is not AssignmentState.REPORTED:
        flash(_("This appointment has been answered already. Thank you!"), "info")
        return redirect(url_for("organisation.to_confirm"))
    form = DisputeForm()
    what = appointment(assignment.request)
    if form.validate_on_submit():
        if wait := over_limit(Action.REQUEST):  # every coordinator is mailed
            return too_many(form, "organisation/dispute.html", wait, assignment=assignment, appointment=what)
        by = By(Actor.ORGANISATION, current_user)
        done = _("The centre has your objection and will get back to you.")
        if attempt(lambda: assignments.dispute(by, assignment, form.reason.data), form, done=done):
            return redirect(url_for("organisation.to_confirm"))
    page = render_template("organisation/dispute.html", assignment=assignment, form=form, appointment=what)
    return page, form_status(form)
