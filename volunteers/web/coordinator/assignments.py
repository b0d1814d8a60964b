"""After the appointment, on the coordinators' side: each assignment on its request's page with
what was reported and the organisation's answer; the report taken by phone, the organisation's
confirmation taken by phone, disputes resolved, figures corrected, reflection talks held; and
the lists of what to chase (`/coordinator/assignments?show=`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...db_types import utcnow
from ...extensions import db
from ...models import Assignment, Offer, RequestEvent, SupportRequest, VolunteerProfile
from ...models.enums import Actor, AssignmentState, Channel, EventSubject, OfferState
from ...notifications.requests import appointment
from ...services import adjustments, assignments
from ...services.assignment_lists import AssignmentList, counted, listed, parse_list
from ...services.rate_limits import Action
from ...services.transitions import By
from ..edge.service_errors import attempt, form_status, submitted_version
from ..pages.pagination import paginate
from ..security.rate_limit import over_limit, too_many
from .blueprint import bp
from .forms.assignments import FiguresForm, PhoneReportForm, ResolveForm, VersionForm

#: The lists' names, as their tabs and the overview's links say them.
LIST_NAMES = {
    AssignmentList.MISSING: _l("Reports missing"),
    AssignmentList.DISPUTED: _l("Disputed"),
    AssignmentList.REFLECTION: _l("Reflection talks"),
    AssignmentList.REPORTED: _l("Waiting for the organisation"),
}
LIST_INTROS = {
    AssignmentList.MISSING: _l(
        "Appointments whose volunteer has not reported even after the last reminder: call them, "
        "and record the report on the request's page."
    ),
    AssignmentList.DISPUTED: _l("Reports the organisation disputes: resolve each on the request's page."),
    AssignmentList.REFLECTION: _l(
        "Volunteers who asked for a reflection talk after an appointment: mark it held on the request's page."
    ),
    AssignmentList.REPORTED: _l(
        "Reports the organisation has not answered yet; without an answer they count as confirmed."
    ),
}


# ---------------------------------------------------------------------------------------------
# On the request's page


@dataclass(frozen=True)
class AfterAppointment:
    """An accepted offer whose appointment has ended, with what became of it."""

    offer: Offer
    #: None until the job (or the report) has made it: it waits for the report all the same.
    assignment: Assignment | None
    #: The coordinator's entry that resolved a dispute (who, when, why).
    resolution: RequestEvent | None
    #: While the organisation has not answered: when the report counts as confirmed.
    confirms_on: datetime | None

    @property
    def state(self) -> AssignmentState:
        return self.assignment.state if self.assignment is not None else AssignmentState.AWAITING_REPORT

    @property
    def reported(self) -> bool:
        return self.state.is_reported

    @property
    def may_record_report(self) -> bool:
        return self.state is AssignmentState.AWAITING_REPORT

    @property
    def may_confirm(self) -> bool:
        """For the organisation, which confirmed on the phone."""
        return self.state is AssignmentState.REPORTED

    @property
    def may_resolve(self) -> bool:
        return self.state is AssignmentState.DISPUTED

    @property
    def may_correct(self) -> bool:
        """A settled one too: its correction becomes an adjustment in the next open month."""
        return self.state in (AssignmentState.REPORTED, AssignmentState.CONFIRMED, AssignmentState.SETTLED)

    @property
    def reflection_waiting(self) -> bool:
        assignment = self.assignment
        return bool(assignment and assignment.wants_reflection_talk and not assignment.reflection_done_at)


def after_the_appointment(record: SupportRequest, history: list[RequestEvent]) -> list[AfterAppointment]:
    """The accepted offers of an appointment that has ended, each with its assignment (one
    query, none before the end)."""
    ended = [offer for offer in record.offers if offer.state is OfferState.ACCEPTED]
    if not ended or record.ends_at > utcnow():
        return []
    found = {
        assignment.offer_id: assignment
        for assignment in db.session.scalars(
            select(Assignment)
            .where(Assignment.request_id == record.id)
            .options(selectinload(Assignment.reported_by), selectinload(Assignment.answered_by))
        )
    }
    resolutions = {
        event.offer_id: event
        for event in history
        if event.subject is EventSubject.ASSIGNMENT
        and event.target is AssignmentState.CONFIRMED
        and event.from_state is not None
        and AssignmentState(event.from_state) is AssignmentState.DISPUTED
    }
    days = timedelta(days=current_app.config["CONFIRMATION_DAYS"])
    rows = []
    for offer in ended:
        assignment = found.get(offer.id)
        waiting = assignment is not None and assignment.state is AssignmentState.REPORTED
        confirms_on = assignment.reported_at + days if waiting and assignment.reported_at else None
        rows.append(AfterAppointment(offer, assignment, resolutions.get(offer.id), confirms_on))
    return rows


def _assignment_or_404(assignment_id: int) -> Assignment:
    return db.one_or_404(
        select(Assignment)
        .where(Assignment.id == assignment_id)
        .options(
            selectinload(Assignment.request).selectinload(SupportRequest.place),
            selectinload(Assignment.request).selectinload(SupportRequest.language),
            selectinload(Assignment.profile).selectinload(VolunteerProfile.user),
        )
    )


def _back(offer_id: int, request_id: int) -> str:
    return url_for("coordinator.request", request_id=request_id) + f"#assignment-{offer_id}"


def _context(assignment: Assignment) -> dict:
    return {
        "assignment": assignment,
        "appointment": appointment(assignment.request),
        "back": _back(assignment.offer_id, assignment.request_id),
    }


def _page(template: str, assignment: Assignment, form):
    return render_template(template, form=form, **_context(assignment))


@bp.route("/offers/<int:offer_id>/report", methods=["GET", "POST"])
def record_report(offer_id: int):
    """The volunteer's report, told on the phone; the organisation is then asked to confirm."""
    offer = db.one_or_404(select(Offer).where(Offer.id == offer_id, Offer.state == OfferState.ACCEPTED))
    back = _back(offer.id, offer.request_id)
    assignment = assignments.for_offer(offer, utcnow())
    if assignment is None:
        flash(_("A report can be recorded once the appointment is over."), "error")
        return redirect(back)
    if assignment.state is not AssignmentState.AWAITING_REPORT:
        flash(_("This appointment has been reported already. The page shows the report."), "info")
        return redirect(back)
    form = PhoneReportForm().offer(assignment)
    if form.validate_on_submit():
        if wait := over_limit(Action.OFFER):  # the organisation is mailed
            return too_many(form, "coordinator/assignments/report.html", wait, **_context(assignment))
        by = assignments.acting_as_volunteer(current_user, assignment)
        done = _("The report is recorded; the organisation is asked by mail to confirm it.")
        if attempt(lambda: assignments.report(by, assignment, form.report()), form, done=done):
            return redirect(back)
    return _page("coordinator/assignments/report.html", assignment, form), form_status(form)


@bp.post("/assignments/<int:assignment_id>/confirm")
def confirm_assignment(assignment_id: int):
    """The organisation confirmed the report on the phone."""
    assignment = _assignment_or_404(assignment_id)
    form = VersionForm()
    if not form.validate_on_submit():
        flash(_("The form had expired. Please try again."), "error")
    else:
        by = By(Actor.COORDINATOR, current_user, Channel.PHONE)
        attempt(
            lambda: assignments.confirm(by, assignment, expected_version=submitted_version(form)),
            done=_("The organisation's confirmation is recorded."),
        )
    return redirect(_back(assignment.offer_id, assignment.request_id))


@bp.post("/assignments/<int:assignment_id>/reflection")
def reflection_held(assignment_id: int):
    assignment = _assignment_or_404(assignment_id)
    form = VersionForm()
    if not form.validate_on_submit():
        flash(_("The form had expired. Please try again."), "error")
    else:
        attempt(
            lambda: assignments.reflection_talk_held(
                current_user, assignment, expected_version=submitted_version(form)
            ),
            done=_("The reflection talk is marked as held."),
        )
    return redirect(_back(assignment.offer_id, assignment.request_id))


@bp.route("/assignments/<int:assignment_id>/resolve", methods=["GET", "POST"])
def resolve_dispute(assignment_id: int):
    assignment = _assignment_or_404(assignment_id)
    back = _back(assignment.offer_id, assignment.request_id)
    if assignment.state is not AssignmentState.DISPUTED:
        # Also for a form sent from a tab opened before a colleague resolved it: nothing to overwrite.
        flash(_("This assignment is not disputed (any more). The page shows it as it is now."), "info")
        return redirect(back)
    form = ResolveForm().of(assignment)
    template = "coordinator/assignments/resolve.html"
    if form.validate_on_submit():
        if wait := over_limit(Action.DECISION):  # the organisation is mailed
            return too_many(form, template, wait, **_context(assignment))
        if attempt(
            lambda: assignments.resolve(
                current_user, assignment, form.reason.data, form.resolution(), submitted_version(form)
            ),
            form,
            done=_("The dispute is resolved; the organisation has been told by mail."),
            record=assignment,
            stale=assignments.STALE,
        ):
            return redirect(back)
    return _page(template, assignment, form), form_status(form)


@bp.route("/assignments/<int:assignment_id>/correct", methods=["GET", "POST"])
def correct_figures(assignment_id: int):
    assignment = _assignment_or_404(assignment_id)
    back = _back(assignment.offer_id, assignment.request_id)
    if assignment.state is AssignmentState.AWAITING_REPORT:
        flash(_("Nothing is reported yet: record the report instead."), "error")
        return redirect(back)
    form = FiguresForm().of(assignment)
    settled = assignment.state is AssignmentState.SETTLED
    done = (
        _("The correction is an adjustment line in the next open month; the settled figures stay as they were.")
        if settled
        else _("The figures are corrected; the history and the audit log say why.")
    )
    correct = adjustments.correct_settled if settled else assignments.correct
    if form.validate_on_submit() and attempt(
        lambda: correct(current_user, assignment, form.figures(), form.reason.data, submitted_version(form)),
        form,
        done=done,
        record=assignment,
        stale=assignments.STALE,
    ):
        return redirect(back)
    return _page("coordinator/assignments/correct.html", assignment, form), form_status(form)


# ---------------------------------------------------------------------------------------------
# The lists


@bp.route("/assignments", endpoint="assignments")
def assignment_lists():
    now = utcnow()
    which = parse_list(request.args.get("show"))
    page = paginate(listed(which, now))
    totals = db.session.execute(select(*(counted(each, now) for each in AssignmentList))).one()
    return render_template(
        "coordinator/assignments/list.html",
        page=page,
        which=which,
        lists=[(each, LIST_NAMES[each], int(total)) for each, total in zip(AssignmentList, totals, strict=True)],
        name=LIST_NAMES[which],
        intro=LIST_INTROS[which],
        confirmation_days=timedelta(days=current_app.config["CONFIRMATION_DAYS"]),
    )
