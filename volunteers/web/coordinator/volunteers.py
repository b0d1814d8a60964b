"""Coordinators and volunteers: the list with filters and export, a volunteer's page,
creating records, editing them, status changes and invitations to take over."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...clock import today
from ...extensions import db
from ...labels import label
from ...models import AuditEvent, CreatedRecord, Exclusion, Offer, SupportRequest, VolunteerLanguage, VolunteerProfile
from ...models.enums import VolunteerStatus
from ...services import eligibility, expiry, invitations, offers, volunteer_search, volunteers
from ...services.onboarding import certificates_of, declaration_states
from ...services.rate_limits import Action
from ..edge.confirm import Confirmation, render_confirmation
from ..edge.once import create_once
from ..edge.service_errors import attempt, form_status
from ..files.downloads import audited_download, spreadsheet_download
from ..pages.forms import ConfirmForm
from ..pages.pagination import paginate
from ..pages.places import get_place
from ..pages.search import current as current_search
from ..pages.search import remember as remember_search
from ..security.rate_limit import over_limit, too_many, too_many_flashed, wait_message
from ..volunteer.forms import AvailabilityForm, ProfileForm, availability_form
from ..volunteer.profile import held, save_availability, save_profile
from ..volunteer.routes import trainings_of
from .blueprint import bp
from .forms.exclusions import ExclusionForm
from .forms.volunteers import CertificateForm, FilterForm, NewVolunteerForm, StatusChangeForm
from .notes import add_note, notes_section


def volunteer_or_404(profile_id: int) -> VolunteerProfile:
    return db.one_or_404(
        select(VolunteerProfile)
        .where(VolunteerProfile.id == profile_id)
        .options(
            selectinload(VolunteerProfile.user),
            selectinload(VolunteerProfile.languages).selectinload(VolunteerLanguage.language),
            selectinload(VolunteerProfile.home_place),
            selectinload(VolunteerProfile.availability),
            selectinload(VolunteerProfile.absences),
        )
    )


def _criteria(form: FilterForm) -> volunteer_search.Criteria:
    """The filters that are valid; a value that is not (a place that does not exist, a level
    that is no level) is shown as an error at its field and not applied."""
    form.validate()

    def value(field):
        return None if field.errors else (field.data or None)

    return volunteer_search.Criteria(
        name=current_search("volunteers"),
        place_id=value(form.place),
        language_code=value(form.language),
        min_level=value(form.min_level),
        area=value(form.area),
        kind=value(form.kind),
        qualified_on=value(form.qualified_on),
        status=value(form.status),
        expiring_soon=bool(form.expiring_soon.data),
    )


def _filter_form() -> FilterForm:
    return FilterForm(formdata=request.args)


@bp.route("/volunteers", endpoint="volunteers", methods=["GET", "POST"])
def volunteers_list():
    if request.method == "POST":  # the name search: kept in the session, never in the URL
        if ConfirmForm().validate_on_submit():
            remember_search("volunteers", "" if "clear" in request.form else request.form.get("q", ""))
        return redirect(url_for("coordinator.volunteers", **request.args))
    form = _filter_form()
    criteria = _criteria(form)
    day = today()
    page = paginate(volunteer_search.listing(criteria, day))
    filters = {key: value for key, value in request.args.items() if key != "page" and value}
    return render_template(
        "coordinator/volunteers/list.html",
        page=page,
        form=form,
        search=criteria.name,
        filters=filters,
        pending=volunteer_search.pending_trainings([p.id for p in page.items]),
    )


@bp.route("/volunteers.<any(csv, xlsx):file_format>")
@audited_download
def volunteers_export(file_format: str):
    form = _filter_form()
    headers = [
        _("Given name"),
        _("Family name"),
        _("Email address"),
        _("Phone"),
        _("Home place"),
        _("Languages"),
        _("German"),
        _("Areas"),
        _("Kinds of work"),
        _("Status"),
    ]
    chosen = volunteer_search.ExportFormat(file_format)
    body = volunteer_search.export(current_user, _criteria(form), today(), headers, chosen, _("Volunteers"))
    return spreadsheet_download(body, f"volunteers-{today().isoformat()}.{chosen.value}")


@bp.route("/volunteers/new", methods=["GET", "POST"])
def new_volunteer():
    form = NewVolunteerForm()

    def create():
        profile = volunteers.create_volunteer(
            current_user,
            given_name=form.given_name.data,
            family_name=form.family_name.data,
            email=form.email.data or None,
            phone=form.phone.data or None,
            home_place=get_place(form.home_place.data),
            locale=form.locale.data,
        )
        if form.invite.data:
            invitations.invite_to_take_over(current_user, profile)
        return profile

    if form.validate_on_submit():
        if form.invite.data and (wait := over_limit(Action.INVITATION)):
            return too_many(form, "coordinator/volunteers/new.html", wait)
        created = create_once(form, CreatedRecord.VOLUNTEER, create)
    else:
        created = None
    if created:
        if not created.again:
            flash(_("The volunteer is recorded."), "success")
        return redirect(url_for("coordinator.volunteer", profile_id=created.record_id))
    return render_template("coordinator/volunteers/new.html", form=form), form_status(form)


def exclusions_of(profile: VolunteerProfile) -> list[Exclusion]:
    return list(
        db.session.scalars(
            select(Exclusion)
            .where(Exclusion.profile_id == profile.id)
            .options(selectinload(Exclusion.organisation))
            .order_by(Exclusion.created_at)
        )
    )


#: Offers and assignments per page of the volunteer's record.
ASSIGNMENTS_PER_PAGE = 10


def assignments_of(profile: VolunteerProfile):
    """The volunteer's offers and assignments, the latest appointment first, a page at a time."""
    query = (
        select(Offer)
        .join(Offer.request)
        .where(Offer.profile_id == profile.id)
        .options(
            selectinload(Offer.request).selectinload(SupportRequest.organisation),
            selectinload(Offer.request).selectinload(SupportRequest.language),
        )
        .order_by(SupportRequest.starts_at.desc(), Offer.id.desc())
    )
    return paginate(query, per_page=ASSIGNMENTS_PER_PAGE, name="assignments_page")


#: Entries of the history of changes per page of the volunteer's record.
HISTORY_PER_PAGE = 20


def history_of(profile: VolunteerProfile):
    """What was done to the volunteer's account, the newest first, a page at a time."""
    query = (
        select(AuditEvent)
        .where(AuditEvent.subject_user_id == profile.user_id)
        .options(selectinload(AuditEvent.actor))
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    )
    return paginate(query, per_page=HISTORY_PER_PAGE, name="history_page")


def render_volunteer(profile: VolunteerProfile, status: int = 200, **forms):
    day = today()
    transitions = volunteers.allowed_transitions(current_user, profile)
    status_form = forms.get("status_form") or StatusChangeForm(expected_status=profile.status.value)
    return render_template(
        "coordinator/volunteers/detail.html",
        profile=profile,
        readiness=eligibility.readiness(profile, day),
        trainings=trainings_of(profile),
        declarations=declaration_states(profile, day),
        certificates=certificates_of(profile),
        soon=expiry.endings_of(profile, day),
        status_history=volunteers.status_history(profile),
        history=history_of(profile),
        status_form=status_form.offer(transitions),
        exclusions=exclusions_of(profile),
        assignments=assignments_of(profile),
        **notes_section(profile, forms.get("note_form")),
        exclusion_form=forms.get("exclusion_form") or ExclusionForm(),
        confirm_form=ConfirmForm(),
        today=day,
    ), status


@bp.route("/volunteers/<int:profile_id>")
def volunteer(profile_id: int):
    return render_volunteer(volunteer_or_404(profile_id))


@bp.post("/volunteers/<int:profile_id>/status")
def change_volunteer_status(profile_id: int):
    profile = volunteer_or_404(profile_id)
    form = StatusChangeForm().offer(volunteers.allowed_transitions(current_user, profile))
    if not form.validate_on_submit():
        return render_volunteer(profile, 400, status_form=form)
    statuses = {status.value: status for status in VolunteerStatus}
    expected = statuses.get(form.expected_status.data or "")
    if form.to_status.data is not VolunteerStatus.ACTIVE and request.form.get("confirmed") != "yes":
        if not attempt(
            lambda: volunteers.check_status_change(
                current_user, profile, form.to_status.data, form.reason.data, expected
            ),
            form,
        ):
            return render_volunteer(volunteer_or_404(profile_id), 409, status_form=form)
        return render_confirmation(_status_confirmation(profile, form), form)
    if wait := over_limit(Action.DECISION):  # the volunteer is told by mail
        form.form_errors.append(wait_message(wait))
        if form.to_status.data is VolunteerStatus.ACTIVE:
            page, _status = render_volunteer(profile, status_form=form)
        else:
            page, _status = render_confirmation(_status_confirmation(profile, form), form)
        return page, 429, {"Retry-After": str(wait)}
    if not attempt(
        lambda: volunteers.change_status(
            current_user,
            profile,
            form.to_status.data,
            form.reason.data,
            expected_status=expected,
        ),
        form,
        done=_("The status is changed; the volunteer has been told by mail."),
    ):
        return render_volunteer(volunteer_or_404(profile_id), 409, status_form=form)
    return redirect(url_for("coordinator.volunteer", profile_id=profile.id))


def _status_confirmation(profile: VolunteerProfile, form: StatusChangeForm) -> Confirmation:
    """Pausing or retiring someone, asked first; the reason typed is kept on the page."""
    to_status = form.to_status.data
    name = profile.user.full_name
    waiting, confirmed = offers.open_counts(profile)
    happens = [_("Matching no longer proposes %(name)s.", name=name)]
    if waiting:
        happens.append(
            ngettext(
                "The offer waiting for an answer is withdrawn.",
                "The %(num)d offers waiting for an answer are withdrawn.",
                waiting,
            )
        )
    if confirmed:
        happens.append(
            ngettext(
                "The confirmed assignment stays: cancel it on its request page if needed.",
                "The %(num)d confirmed assignments stay: cancel them on their request pages if needed.",
                confirmed,
            )
        )
    return Confirmation(
        title=_("Change the status of %(name)s to “%(status)s”?", name=name, status=label(to_status)),
        facts=[(_("Status now"), label(profile.status)), (_("New status"), label(to_status))],
        happens=happens,
        told=[_("%(name)s, by mail, with your reason.", name=name)],
        confirm_label=_("Yes, change the status"),
        back_url=url_for("coordinator.volunteer", profile_id=profile.id),
        hidden=[
            (form.to_status.name, to_status.value),
            (form.expected_status.name, form.expected_status.data or ""),
            ("confirmed", "yes"),
        ],
    )


@bp.post("/volunteers/<int:profile_id>/invite")
def invite_volunteer(profile_id: int):
    profile = volunteer_or_404(profile_id)
    if not ConfirmForm().validate_on_submit():
        flash(_("The form had expired. Please try again."), "error")
    elif wait := over_limit(Action.INVITATION):
        too_many_flashed(wait)
    else:
        attempt(lambda: invitations.invite_to_take_over(current_user, profile), done=_("The invitation has been sent."))
    return redirect(url_for("coordinator.volunteer", profile_id=profile.id))


@bp.route("/volunteers/<int:profile_id>/edit", methods=["GET", "POST"])
def edit_volunteer(profile_id: int):
    profile = volunteer_or_404(profile_id)
    form = (
        ProfileForm(held_languages=held(profile), for_self=False)
        if request.method == "POST"
        else ProfileForm.for_profile(profile, for_self=False)
    )
    if form.validate_on_submit() and save_profile(current_user, profile, form):
        flash(_("The profile is saved."), "success")
        return redirect(url_for("coordinator.volunteer", profile_id=profile.id))
    return render_template("coordinator/volunteers/edit.html", form=form, profile=profile), form_status(form)


@bp.route("/volunteers/<int:profile_id>/availability", methods=["GET", "POST"])
def edit_availability(profile_id: int):
    profile = volunteer_or_404(profile_id)
    form: AvailabilityForm = availability_form(profile) if request.method == "GET" else availability_form(formdata=True)
    if request.method == "POST" and form.validate_on_submit() and save_availability(current_user, profile, form):
        flash(_("The availability is saved."), "success")
        return redirect(url_for("coordinator.volunteer", profile_id=profile.id))
    return render_template("coordinator/volunteers/availability.html", form=form, profile=profile), form_status(form)


@bp.post("/volunteers/<int:profile_id>/notes", endpoint="add_volunteer_note")
def add_volunteer_note(profile_id: int):
    profile = volunteer_or_404(profile_id)
    return add_note(profile, lambda form: render_volunteer(profile, 400, note_form=form))


__all__ = ["CertificateForm", "render_volunteer", "volunteer_or_404"]
