"""The volunteer edits their profile, availability and absences, and may pause. (The address
is changed on "Login and security", as for everyone: web/auth/account.py.)"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ...clock import today
from ...formatting import format_date
from ...models import CreatedRecord
from ...models.enums import VolunteerStatus
from ...services import offers, volunteers
from ...services.rate_limits import Action
from ..edge.confirm import Confirmation, confirm_then
from ..edge.once import create_once
from ..edge.service_errors import attempt, form_status, submitted_version
from ..pages.forms import ConfirmForm
from ..security.rate_limit import over_limit, wait_message
from .blueprint import bp
from .forms import (
    AbsenceForm,
    ProfileForm,
    StatusForm,
    availability_form,
    chosen_slots,
)
from .routes import own_profile

_STATUS_VALUES = {status.value for status in VolunteerStatus}


def _asks_before_removing_languages(profile, form: ProfileForm) -> bool:
    """A language row left empty removes the language: the form comes back once, saying what
    that means, and the second save (carrying the same removal) does it."""
    kept = {row.code.data for row in form.languages if row.code.data}
    removed = sorted(entry.language_code for entry in profile.languages if entry.language_code not in kept)
    token = ",".join(removed)
    if not removed or form.confirm_removal.data == token:
        return False
    form.confirm_removal.data = token
    locale = str(get_locale() or "de")
    form.removing = [entry.language.name(locale) for entry in profile.languages if entry.language_code in removed]
    return True


def save_profile(actor, profile, form: ProfileForm) -> bool:
    """Applies a submitted profile form; False (with the message on the form) if refused, or
    if it removes a language and has not yet said so. Used by the coordinators' page too."""
    if _asks_before_removing_languages(profile, form):
        return False
    return bool(
        attempt(
            lambda: volunteers.update_profile(actor, profile, form.changes(), submitted_version(form)),
            form,
            record=profile,
        )
    )


def save_availability(actor, profile, form) -> bool:
    """The availability grid, for the volunteer's page and the coordinators' one."""
    return bool(
        attempt(
            lambda: volunteers.set_availability(
                actor, profile, chosen_slots(form), form.max_assignments_per_month.data, submitted_version(form)
            ),
            form,
            record=profile,
        )
    )


def held(profile) -> list[str]:
    """The languages a profile has: a retired one stays on offer for it."""
    return [entry.language_code for entry in profile.languages]


@bp.route("/profile", methods=["GET", "POST"])
def profile():
    record = own_profile()
    form = ProfileForm(held_languages=held(record)) if request.method == "POST" else ProfileForm.for_profile(record)
    if form.validate_on_submit() and save_profile(current_user, record, form):
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("volunteer.home"))
    return render_template("volunteer/profile.html", form=form, profile=record, own=True), form_status(form)


def _availability_page(record, form, absence_form, status=200):
    return render_template(
        "volunteer/availability.html",
        form=form,
        absence_form=absence_form,
        profile=record,
        today=today(),
    ), status


@bp.route("/availability", methods=["GET", "POST"])
def availability():
    record = own_profile()
    if request.method == "GET":
        return _availability_page(record, availability_form(record), AbsenceForm())
    form = availability_form(formdata=True)
    if form.validate_on_submit() and save_availability(current_user, record, form):
        flash(_("Your availability is saved."), "success")
        return redirect(url_for("volunteer.availability"))
    return _availability_page(record, form, AbsenceForm(), 400)


@bp.post("/absences")
def add_absence():
    record = own_profile()
    form = AbsenceForm()
    if form.validate_on_submit() and (
        created := create_once(
            form,
            CreatedRecord.ABSENCE,
            lambda: volunteers.add_absence(current_user, record, form.starts_on.data, form.ends_on.data, today()),
        )
    ):
        if not created.again:
            flash(_("The absence is saved."), "success")
        return redirect(url_for("volunteer.availability") + "#absences")
    record = own_profile()
    return _availability_page(record, availability_form(record), form, 400)


@bp.route("/absences/<int:absence_id>/remove", methods=["GET", "POST"])
def remove_absence(absence_id: int):
    record = own_profile()
    absence = volunteers.absence_of(record, absence_id)
    if absence is None:
        abort(404)
    back = url_for("volunteer.availability") + "#absences"

    def confirmation() -> Confirmation:
        return Confirmation(
            title=_("Remove this absence?"),
            facts=[
                (_("From"), format_date(absence.starts_on, "long")),
                (_("To"), format_date(absence.ends_on, "long")),
            ],
            happens=[_("The centre may ask you for assignments on these days again.")],
            confirm_label=_("Yes, remove the absence"),
            back_url=back,
        )

    return confirm_then(
        confirmation,
        ConfirmForm(),
        lambda: volunteers.remove_absence(current_user, record, absence),
        _("The absence is removed."),
        back,
    )


@bp.route("/pause", methods=["GET", "POST"])
def pause():
    record = own_profile()
    form = StatusForm(to_status=VolunteerStatus.PAUSED.value, expected_status=record.status.value)
    if form.validate_on_submit():
        expected = VolunteerStatus(form.expected_status.data) if form.expected_status.data in _STATUS_VALUES else None
        if wait := over_limit(Action.ANSWER):  # offers still open are withdrawn by mail
            form.form_errors.append(wait_message(wait))
            return _pause_page(record, form, 429, {"Retry-After": str(wait)})
        if attempt(
            lambda: volunteers.change_status(
                current_user, record, VolunteerStatus.PAUSED, form.reason.data, expected_status=expected
            ),
            form,
            done=_("You are paused. The centre will not ask you for assignments until it resumes your status."),
        ):
            return redirect(url_for("volunteer.home"))
    return _pause_page(record, form)


def _pause_page(record, form: StatusForm, status: int = 200, headers=None):
    may_pause = VolunteerStatus.PAUSED in volunteers.allowed_transitions(current_user, record)
    waiting, confirmed = offers.open_counts(record)
    page = render_template(
        "volunteer/pause.html", form=form, profile=record, may_pause=may_pause, waiting=waiting, confirmed=confirmed
    )
    return page, status, headers or {}
