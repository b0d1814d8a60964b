"""Coordinators keep a volunteer's records: verify or reject trainings, record the centre's own
trainings and police certificates; the lists of trainings to check and of what runs out."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...clock import today
from ...extensions import db
from ...models import CreatedRecord, Qualification, VolunteerProfile
from ...models.enums import QualificationStatus
from ...services import expiry, onboarding, qualifications
from ...services.rate_limits import Action
from ..edge.confirm import Confirmation, confirm_then, reason_form, training_facts
from ..edge.once import create_once
from ..edge.service_errors import attempt, form_status
from ..files.downloads import audited_download, send_proof
from ..pages.forms import ConfirmForm
from ..pages.pagination import ListPage, page_number, paginate, within_pages
from ..security.rate_limit import over_limit, too_many_flashed
from ..volunteer.forms import TrainingForm
from ..volunteer.trainings import read_training_form
from .blueprint import bp
from .forms.volunteers import CertificateForm, RejectTrainingForm
from .volunteers import volunteer_or_404


def _training_or_404(qualification_id: int) -> Qualification:
    return db.one_or_404(
        select(Qualification)
        .where(Qualification.id == qualification_id)
        .options(
            selectinload(Qualification.type), selectinload(Qualification.profile).selectinload(VolunteerProfile.user)
        )
    )


def _back_url(training: Qualification) -> str:
    """Back to where the coordinator came from: the list of trainings to check, or the record."""
    if request.args.get("from") == "list":
        return url_for("coordinator.pending_trainings")
    return url_for("coordinator.volunteer", profile_id=training.profile_id) + "#trainings"


def _back(training: Qualification):
    return redirect(_back_url(training))


@bp.post("/trainings/<int:qualification_id>/verify")
def verify_training(qualification_id: int):
    training = _training_or_404(qualification_id)
    if not ConfirmForm().validate_on_submit():
        flash(_("The form had expired. Please try again."), "error")
        return _back(training)
    if wait := over_limit(Action.DECISION):
        too_many_flashed(wait)
        return _back(training)
    attempt(
        lambda: qualifications.verify(current_user, training),
        done=_("The training is verified; the volunteer has been told by mail."),
    )
    return _back(training)


@bp.route("/trainings/<int:qualification_id>/reject", methods=["GET", "POST"])
def reject_training(qualification_id: int):
    training = _training_or_404(qualification_id)
    back = _back_url(training)
    if training.status is not QualificationStatus.PENDING:
        flash(_("This training has already been decided on. The page shows the current state."), "error")
        return redirect(back)
    form = RejectTrainingForm()

    def confirmation() -> Confirmation:
        return Confirmation(
            title=_("Reject this training?"),
            facts=training_facts(training),
            happens=[
                _("The training does not count; the volunteer may log it again with a proof."),
                _("A coordinator can reopen the rejection later, with a reason."),
            ],
            told=[_("%(name)s, by mail, with your reason.", name=training.profile.user.full_name)],
            confirm_label=_("Yes, reject the training"),
            back_url=back,
        )

    return confirm_then(
        confirmation,
        form,
        lambda: qualifications.reject(current_user, training, form.reason.data),
        _("The training is rejected; the volunteer has been told the reason by mail."),
        back,
        limit=Action.DECISION,
    )


@bp.route("/trainings/<int:qualification_id>/reopen", methods=["GET", "POST"])
def reopen_training(qualification_id: int):
    training = _training_or_404(qualification_id)
    back = url_for("coordinator.volunteer", profile_id=training.profile_id) + "#trainings"
    if training.status is not QualificationStatus.REJECTED:
        flash(_("This training is no longer rejected. The page shows the current state."), "error")
        return redirect(back)
    form = reason_form(
        _("Why it is checked again"),
        _("The volunteer reads this in a mail."),
        required=True,
        required_message=_("Give a reason: the volunteer will read it."),
    )

    def confirmation() -> Confirmation:
        return Confirmation(
            title=_("Reopen the rejection of this training?"),
            facts=[*training_facts(training), (_("Reason for rejecting"), training.rejection_reason or "–")],
            happens=[
                _("The training waits for a check again: verify or reject it then."),
                _("The reason for rejecting stays in the record."),
            ],
            told=[_("%(name)s, by mail, with your reason.", name=training.profile.user.full_name)],
            confirm_label=_("Reopen the rejection"),
            back_url=back,
            danger=False,
        )

    return confirm_then(
        confirmation,
        form,
        lambda: qualifications.reopen(current_user, training, form.reason.data),
        _("The rejection is reopened; the volunteer has been told by mail."),
        back,
        limit=Action.DECISION,
    )


@bp.route("/trainings/<int:qualification_id>/proof")
@audited_download
def training_proof(qualification_id: int):
    found = qualifications.proof_for(current_user, qualification_id)
    if found is None:
        abort(404)
    response = send_proof(found)
    return response


@bp.route("/volunteers/<int:profile_id>/trainings/new", methods=["GET", "POST"])
def record_training(profile_id: int):
    profile = volunteer_or_404(profile_id)
    form = TrainingForm(types=qualifications.choosable_types(), for_self=False)
    if form.validate_on_submit() and (
        created := read_training_form(current_user, profile, form, verified_by_centre=True)
    ):
        if not created.again:
            flash(_("The training is recorded as verified."), "success")
        return redirect(url_for("coordinator.volunteer", profile_id=profile.id) + "#trainings")
    return render_template("coordinator/volunteers/record_training.html", form=form, profile=profile), form_status(form)


@bp.route("/volunteers/<int:profile_id>/certificate", methods=["GET", "POST"])
def record_certificate(profile_id: int):
    profile = volunteer_or_404(profile_id)
    form = CertificateForm()
    if form.validate_on_submit() and (
        created := create_once(
            form,
            CreatedRecord.POLICE_CERTIFICATE,
            lambda: onboarding.record_certificate(
                current_user,
                profile,
                kind=form.kind.data,
                issued_on=form.issued_on.data,
                shown_on=form.shown_on.data,
                result=form.result.data,
                today=today(),
            ),
        )
    ):
        if not created.again:
            flash(_("The police certificate is recorded (its dates only, no copy)."), "success")
        return redirect(url_for("coordinator.volunteer", profile_id=profile.id) + "#certificate")
    return render_template("coordinator/volunteers/certificate.html", form=form, profile=profile), form_status(form)


@bp.route("/trainings")
def pending_trainings():
    query = (
        select(Qualification)
        .where(Qualification.status == QualificationStatus.PENDING)
        .options(
            selectinload(Qualification.type),
            selectinload(Qualification.profile).selectinload(VolunteerProfile.user),
        )
        .order_by(Qualification.submitted_at, Qualification.id)
    )
    page = paginate(query)
    return render_template(
        "coordinator/trainings.html", page=page, form=ConfirmForm(), reject_form=RejectTrainingForm()
    )


#: How far ahead the list of what runs out can look, in days.
EXPIRING_WINDOWS = (14, 30, 60, 90)


@bp.route("/expiring")
def expiring():
    day = today()
    days = request.args.get("days", 90, type=int)
    days = days if days in EXPIRING_WINDOWS else 90
    # Refresher rules and declaration versions are applied in Python over every volunteer
    # (as `flask remind` does): the page shows a part of that list.
    page = within_pages(ListPage.of(expiry.endings(day, days), page_number()))
    return render_template("coordinator/expiring.html", page=page, today=day, days=days, windows=EXPIRING_WINDOWS)
