"""The links in the mails after an appointment, working without login: the volunteer reports,
the organisation confirms or objects. Opening a link changes nothing (mail scanners open every
link); only the form's POST uses it, and a used or expired link says where to go instead."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _
from sqlalchemy import select

from ...extensions import db
from ...models import ActionToken, Assignment, TokenPurpose
from ...models.enums import Actor, AssignmentState, Channel
from ...notifications.requests import appointment
from ...permissions import membership
from ...services import ServiceError, assignments, tokens
from ...services.transitions import By
from ..edge.service_errors import attempt, form_status
from ..pages.forms import ConfirmForm
from ..reports.forms import DisputeForm, ReportForm
from .blueprint import bp


def _assignment_of(token: ActionToken | None) -> Assignment | None:
    if token is None or token.offer is None:
        return None
    return db.session.scalar(select(Assignment).where(Assignment.offer_id == token.offer_id))


def _gone(status: int = 410, message: str | None = None):
    return render_template("public/assignment_link_gone.html", message=message), status


@bp.route("/assignment/report/<token>", methods=["GET", "POST"])
def assignment_report(token: str):
    assignment = _assignment_of(tokens.peek(TokenPurpose.REPORT_ASSIGNMENT, token))
    if assignment is None:
        return _gone()
    if assignment.state is not AssignmentState.AWAITING_REPORT:
        return _gone(message=_("This appointment has been reported already. Thank you!"))
    form = ReportForm().offer(assignment)
    if form.validate_report(assignment):
        user = assignment.profile.user

        def report() -> None:
            if tokens.redeem(TokenPurpose.REPORT_ASSIGNMENT, token) is None:
                raise ServiceError(_("This link has expired or has already been used."))
            assignments.report(By(Actor.VOLUNTEER, user, Channel.MAIL_LINK), assignment, form.report())

        if attempt(report, form):
            return render_template("public/assignment_reported.html", assignment=assignment)
    return render_template(
        "public/assignment_report.html", assignment=assignment, form=form, appointment=appointment(assignment.request)
    ), form_status(form)


@bp.route("/assignment/answer/<token>", methods=["GET", "POST"])
def assignment_answer(token: str):
    held = tokens.peek(TokenPurpose.CONFIRM_ASSIGNMENT, token)
    assignment = _assignment_of(held)
    if held is None or assignment is None or held.user is None:
        return _gone()
    if assignment.state is not AssignmentState.REPORTED:
        return _gone(message=_("This appointment has been answered already. Thank you!"))
    member = held.user
    if not member.active or membership(member, assignment.request.organisation) is None:
        # The link was mailed to a member; one who has left (or whose account was closed) no
        # longer answers for the organisation.
        return _gone(
            message=_(
                "You are no longer a member of this organisation, so this link no longer works. "
                "A colleague can answer in the portal."
            )
        )
    dispute_form = DisputeForm()
    answer = request.form.get("answer")
    if request.method == "POST":
        used = dispute_form if answer == "dispute" else ConfirmForm()
        valid = answer in ("confirm", "dispute") and used.validate_on_submit()
        if not valid and used is not dispute_form:
            # A failed security check, or neither button: said above the form.
            problem = next(iter(used.errors.get("csrf_token", [])), None)
            dispute_form.form_errors.append(problem or _("Please answer with one of the two buttons."))
        if valid:

            def answered() -> None:
                if tokens.redeem(TokenPurpose.CONFIRM_ASSIGNMENT, token) is None:
                    raise ServiceError(_("This link has expired or has already been used."))
                by = By(Actor.ORGANISATION, member, Channel.MAIL_LINK)
                if answer == "confirm":
                    assignments.confirm(by, assignment)
                else:
                    assignments.dispute(by, assignment, dispute_form.reason.data)

            if attempt(answered, used if answer == "dispute" else None):
                return render_template("public/assignment_answered.html", disputed=answer == "dispute")
    return render_template(
        "public/assignment_answer.html",
        assignment=assignment,
        form=dispute_form,
        appointment=appointment(assignment.request),
    ), form_status(dispute_form)
