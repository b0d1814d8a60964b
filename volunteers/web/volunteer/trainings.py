"""The volunteer's trainings (logged with a proof) and declarations."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ...clock import today
from ...extensions import db
from ...models import CreatedRecord, DeclarationVersion, Qualification, QualificationStatus, QualificationType
from ...services import onboarding, qualifications
from ...services.proofs import check_proof
from ..edge.confirm import Confirmation, confirm_then, training_facts
from ..edge.once import Created, create_once
from ..edge.service_errors import attempt, form_status
from ..files.downloads import audited_download, send_proof
from ..pages.forms import ConfirmForm
from .blueprint import bp
from .forms import TrainingForm
from .routes import own_profile, trainings_of


def read_training_form(actor, profile, form: TrainingForm, verified_by_centre: bool = False) -> Created | None:
    """Checks the proof and logs the training, once however often the form is sent; None
    (errors on the form) if refused. Used by the coordinators' page too."""

    def create():
        upload = form.proof.data
        proof = None
        if upload and getattr(upload, "filename", ""):
            proof = check_proof(upload.filename, upload.read())
        chosen = (
            db.session.get(QualificationType, form.qualification_type.data) if form.qualification_type.data else None
        )
        return qualifications.log_training(
            actor,
            profile,
            qualification_type=chosen,
            other_description=form.other_description.data,
            provider=form.provider.data,
            completed_on=form.completed_on.data,
            teaching_units=form.teaching_units.data,
            proof=proof,
            today=today(),
            verified_by_centre=verified_by_centre,
        )

    return create_once(form, CreatedRecord.TRAINING, create)


@bp.route("/trainings/new", methods=["GET", "POST"])
def new_training():
    record = own_profile()
    form = TrainingForm(types=qualifications.choosable_types())
    if form.validate_on_submit() and (created := read_training_form(current_user, record, form)):
        if not created.again:
            flash(_("Your training is saved. The centre will check it and tell you by mail."), "success")
        return redirect(url_for("volunteer.home") + "#trainings")
    return render_template("volunteer/new_training.html", form=form, trainings=trainings_of(record)), form_status(form)


@bp.route("/trainings/<int:qualification_id>/withdraw", methods=["GET", "POST"])
def withdraw_training(qualification_id: int):
    """A training logged twice or by mistake, not checked yet: the volunteer takes it back."""
    record = own_profile()
    training = db.one_or_404(
        select(Qualification).where(Qualification.id == qualification_id, Qualification.profile_id == record.id)
    )
    back = url_for("volunteer.home") + "#trainings"
    if training.status is not QualificationStatus.PENDING:
        flash(_("This training has been checked already; please ask the centre to change it."), "error")
        return redirect(back)

    def confirmation() -> Confirmation:
        return Confirmation(
            title=_("Withdraw this training?"),
            facts=training_facts(training),
            happens=[
                _("The training is deleted, with its proof; the centre no longer sees it."),
                _("You can log it again at any time."),
            ],
            confirm_label=_("Yes, withdraw the training"),
            back_url=back,
        )

    return confirm_then(
        confirmation,
        ConfirmForm(),
        lambda: qualifications.withdraw(current_user, training),
        _("The training is withdrawn."),
        back,
    )


@bp.route("/trainings/<int:qualification_id>/proof")
@audited_download
def proof(qualification_id: int):
    found = qualifications.proof_for(current_user, qualification_id)
    if found is None:
        abort(404)
    response = send_proof(found)
    return response


@bp.route("/declarations", methods=["GET", "POST"])
def declarations():
    record = own_profile()
    return render_template(
        "volunteer/declarations.html", states=onboarding.declaration_states(record, today()), form=ConfirmForm()
    )


@bp.post("/declarations/<int:version_id>/sign")
def sign_declaration(version_id: int):
    record = own_profile()
    version = db.get_or_404(DeclarationVersion, version_id)
    if not ConfirmForm().validate_on_submit():
        flash(_("The form had expired. Please try again."), "error")
        return redirect(url_for("volunteer.declarations"))
    attempt(
        lambda: onboarding.sign(current_user, record, version),
        done=_("Thank you: you have signed “%(title)s”.", title=version.declaration.title(current_user.locale)),
    )
    return redirect(url_for("volunteer.declarations"))
