"""The volunteer's trainings (logged with a proof) and declarations."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...clock import today
from ...extensions import db
from ...models import DeclarationVersion, QualificationType
from ...services import ServiceError, onboarding, qualifications
from ...services.proofs import check_proof
from ..downloads import audited_download, send_proof
from ..forms import ConfirmForm
from ..service_errors import commit_or_flash, show_on_form
from ..volunteer_forms import TrainingForm
from .blueprint import bp
from .routes import own_profile, trainings_of


def read_training_form(actor, profile, form: TrainingForm, verified_by_centre: bool = False):
    """Checks the proof and logs the training; None (errors on the form) if refused.
    Used by the coordinators' page too."""
    try:
        upload = form.proof.data
        proof = None
        if upload and getattr(upload, "filename", ""):
            proof = check_proof(upload.filename, upload.read())
        chosen = (
            db.session.get(QualificationType, form.qualification_type.data) if form.qualification_type.data else None
        )
        qualification = qualifications.log_training(
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
    except ServiceError as error:
        show_on_form(form, error)
        return None
    db.session.commit()
    return qualification


@bp.route("/trainings/new", methods=["GET", "POST"])
def new_training():
    record = own_profile()
    form = TrainingForm(types=qualifications.choosable_types())
    if form.validate_on_submit() and read_training_form(current_user, record, form):
        flash(_("Your training is saved. The centre will check it and tell you by mail."), "success")
        return redirect(url_for("volunteer.home") + "#trainings")
    return render_template("volunteer/new_training.html", form=form, trainings=trainings_of(record)), (
        400 if form.errors else 200
    )


@bp.route("/trainings/<int:qualification_id>/proof")
@audited_download
def proof(qualification_id: int):
    found = qualifications.proof_for(current_user, qualification_id)
    if found is None:
        abort(404)
    response = send_proof(found)
    db.session.commit()  # the audit entry of the download
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
    version = db.session.get(DeclarationVersion, version_id)
    if version is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        flash(_("The form had expired. Please try again."), "error")
        return redirect(url_for("volunteer.declarations"))
    commit_or_flash(
        lambda: onboarding.sign(current_user, record, version),
        _("Thank you: you have signed “%(title)s”.", title=version.declaration.title(current_user.locale)),
    )
    return redirect(url_for("volunteer.declarations"))
