"""The volunteer reports an appointment in the portal (the same form as behind the mail link)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ...db_types import utcnow
from ...extensions import db
from ...models import Assignment, Offer
from ...models.enums import AssignmentState, OfferState
from ...notifications.requests import appointment
from ...services import assignments
from ...services.rate_limits import Action
from ..edge.service_errors import attempt, form_status
from ..reports.forms import ReportForm
from ..security.rate_limit import over_limit, too_many
from .blueprint import bp
from .routes import own_profile


def assignments_of(offers: list[Offer]) -> dict[int, Assignment]:
    """The assignments the offers on a page became (one query)."""
    if not offers:
        return {}
    found = db.session.scalars(select(Assignment).where(Assignment.offer_id.in_([o.id for o in offers])))
    return {assignment.offer_id: assignment for assignment in found}


@bp.route("/offers/<int:offer_id>/report", methods=["GET", "POST"])
def report_assignment(offer_id: int):
    profile = own_profile()
    offer = db.one_or_404(
        select(Offer).where(Offer.id == offer_id, Offer.profile_id == profile.id, Offer.state == OfferState.ACCEPTED)
    )
    assignment = assignments.for_offer(offer, utcnow())
    if assignment is None:
        flash(_("You can report an assignment once its appointment is over."), "error")
        return redirect(url_for("volunteer.assignments"))
    if assignment.state is not AssignmentState.AWAITING_REPORT:
        flash(_("This appointment has been reported already. Thank you!"), "info")
        return redirect(url_for("volunteer.assignments", _anchor="past"))
    form = ReportForm().offer(assignment)
    what = appointment(offer.request)
    if form.validate_report(assignment):
        if wait := over_limit(Action.ANSWER):  # the organisation is asked by mail to confirm
            return too_many(form, "volunteer/report.html", wait, assignment=assignment, appointment=what)
        by = assignments.acting_as_volunteer(current_user, assignment)
        done = _("Thank you for your report. The organisation is asked to confirm it.")
        if attempt(lambda: assignments.report(by, assignment, form.report()), form, done=done):
            return redirect(url_for("volunteer.assignments", _anchor="past"))
    page = render_template("volunteer/report.html", assignment=assignment, form=form, appointment=what)
    return page, form_status(form)


# Opening the page makes the assignment when the job has not come round yet: on SQLite that GET
# takes the write lock from the start, as an audited download does (db_types.py).
report_assignment.writes_on_get = True  # type: ignore[attr-defined]
