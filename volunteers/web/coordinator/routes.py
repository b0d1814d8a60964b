"""The coordinators' area: home, organisations to approve, mail outbox, invitations,
accounts and the audit log."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from ...clock import today
from ...db_types import utcnow
from ...extensions import db
from ...jobs import job_states
from ...models import (
    AuditEvent,
    Membership,
    Organisation,
    OrganisationStatus,
    OutboxMessage,
    OutboxStatus,
    User,
    VolunteerProfile,
)
from ...notifications.worker import outbox_health, retry_failed
from ...services import ServiceError, accounts, audit, organisations, second_factor
from ...services.rate_limits import Action
from ..edge.confirm import Confirmation, confirm_then
from ..edge.service_errors import commit_or_flash, show_on_form
from ..organisation.routes import invitations_of, members_of
from ..pages import search as search_terms
from ..pages.forms import ConfirmForm
from ..pages.pagination import PER_PAGE, page_number
from ..security.rate_limit import over_limit, too_many, too_many_flashed, wait_message
from .blueprint import bp
from .forms import RejectForm
from .notes import notes_section
from .organisation_details import history_section
from .work_queue import queue_items


def _get_or_404(model, object_id: int):
    found = db.session.get(model, object_id)
    if found is None:
        abort(404)
    return found


def _pending_query():
    return (
        select(Organisation)
        .where(Organisation.status == OrganisationStatus.PENDING)
        .options(selectinload(Organisation.place), selectinload(Organisation.contact))
        .order_by(Organisation.created_at)
    )


@bp.route("/")
def home():
    pending_count = db.session.scalar(
        select(func.count(Organisation.id)).where(Organisation.status == OrganisationStatus.PENDING)
    )
    pending = db.session.scalars(_pending_query().limit(5)).all()
    statuses = dict(
        db.session.execute(
            select(VolunteerProfile.status, func.count(VolunteerProfile.id)).group_by(VolunteerProfile.status)
        ).all()
    )
    return render_template(
        "coordinator/home.html",
        pending=pending,
        pending_count=pending_count,
        health=outbox_health(),
        jobs=job_states(),
        volunteer_counts=statuses,
        queue=queue_items(utcnow(), today()),
    )


ORGANISATION_FILTERS = {status.value: status for status in OrganisationStatus}


@bp.route("/organisations")
def organisations_list():
    status = ORGANISATION_FILTERS.get(request.args.get("status", "pending"), OrganisationStatus.PENDING)
    query = (
        select(Organisation)
        .where(Organisation.status == status)
        .options(selectinload(Organisation.place), selectinload(Organisation.contact))
        .order_by(
            Organisation.created_at.desc() if status is not OrganisationStatus.PENDING else Organisation.created_at
        )
    )
    page = db.paginate(query, page=page_number(), per_page=PER_PAGE, error_out=False)
    return render_template(
        "coordinator/organisations.html", page=page, status=status, statuses=list(OrganisationStatus)
    )


def render_organisation(
    organisation: Organisation, reject_form: RejectForm | None = None, status: int = 200, note_form=None
):
    return render_template(
        "coordinator/organisation.html",
        organisation=organisation,
        members=members_of(organisation),
        invitations=invitations_of(organisation),
        approve_form=ConfirmForm(),
        reject_form=reject_form or RejectForm(),
        **notes_section(organisation, note_form),
        **history_section(organisation),
    ), status


@bp.route("/organisations/<int:organisation_id>")
def organisation(organisation_id: int):
    return render_organisation(_get_or_404(Organisation, organisation_id))


@bp.post("/organisations/<int:organisation_id>/approve")
def approve_organisation(organisation_id: int):
    organisation = _get_or_404(Organisation, organisation_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash(_("The form had expired. Please try again."), "error")
        return render_organisation(organisation, status=400)
    if wait := over_limit(Action.DECISION):  # the organisation is told by mail
        flash(wait_message(wait), "error")
        page, _status = render_organisation(organisation)
        return page, 429, {"Retry-After": str(wait)}
    try:
        organisations.approve(current_user, organisation)
    except ServiceError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return render_organisation(db.session.get(Organisation, organisation_id), status=409)
    db.session.commit()
    flash(_("%(name)s is approved; its contact person has been told by mail.", name=organisation.name), "success")
    return redirect(url_for("coordinator.organisations_list"))


@bp.post("/organisations/<int:organisation_id>/reject")
def reject_organisation(organisation_id: int):
    organisation = _get_or_404(Organisation, organisation_id)
    form = RejectForm()
    if not form.validate_on_submit():
        return render_organisation(organisation, form, status=400)
    if wait := over_limit(Action.DECISION):
        form.form_errors.append(wait_message(wait))
        page, _status = render_organisation(organisation, form)
        return page, 429, {"Retry-After": str(wait)}
    try:
        organisations.reject(current_user, organisation, form.reason.data)
    except ServiceError as error:
        if error.field:
            show_on_form(form, error)
            return render_organisation(organisation, form, status=400)
        db.session.rollback()
        flash(str(error.message), "error")
        return render_organisation(db.session.get(Organisation, organisation_id), form, status=409)
    db.session.commit()
    flash(
        _("%(name)s is rejected; its contact person has been told the reason by mail.", name=organisation.name),
        "success",
    )
    return redirect(url_for("coordinator.organisations_list"))


OUTBOX_FILTERS = {status.value: status for status in OutboxStatus}


@bp.route("/outbox")
def outbox():
    status = OUTBOX_FILTERS.get(request.args.get("status", ""))
    query = select(OutboxMessage).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    if status is not None:
        query = query.where(OutboxMessage.status == status)
    page = db.paginate(query, page=page_number(), per_page=PER_PAGE, error_out=False)
    return render_template(
        "coordinator/outbox.html",
        page=page,
        status=status,
        statuses=list(OutboxStatus),
        health=outbox_health(),
        retry_form=ConfirmForm(),
    )


@bp.post("/outbox/<int:message_id>/retry")
def retry_mail(message_id: int):
    message = _get_or_404(OutboxMessage, message_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash(_("The form had expired. Please try again."), "error")
    elif wait := over_limit(Action.DECISION):
        too_many_flashed(wait)
    else:
        try:
            retry_failed(message)
        except ServiceError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            audit.record("mail.retried", actor=current_user, message_id=message.id)
            db.session.commit()
            flash(_("The message will be sent again."), "success")
    return redirect(url_for("coordinator.outbox", status="failed"))


@bp.route("/accounts", methods=["GET", "POST"])
def accounts_list():
    if request.method == "POST":
        if ConfirmForm().validate_on_submit():
            search_terms.remember("accounts", "" if "clear" in request.form else request.form.get("q", ""))
        return redirect(url_for("coordinator.accounts_list"))
    search = search_terms.current("accounts")
    query = (
        select(User)
        .options(selectinload(User.memberships).selectinload(Membership.organisation))
        .order_by(User.family_name, User.given_name, User.id)
    )
    if search:
        pattern = f"%{search.lower()}%"
        query = query.where(
            or_(
                func.lower(User.given_name).like(pattern),
                func.lower(User.family_name).like(pattern),
                User.email.like(pattern),
            )
        )
    page = db.paginate(query, page=page_number(), per_page=PER_PAGE, error_out=False)
    return render_template("coordinator/accounts.html", page=page, search=search, form=ConfirmForm())


@bp.post("/accounts/<int:user_id>/activate")
def activate_account(user_id: int):
    """Reactivating is safe and takes one tap; deactivating asks first."""
    user = _get_or_404(User, user_id)
    if not ConfirmForm().validate_on_submit():
        flash(_("The form had expired. Please try again."), "error")
    else:
        commit_or_flash(lambda: accounts.set_active(current_user, user, True), _("The account is active again."))
    return redirect(url_for("coordinator.accounts_list", page=request.args.get("page", 1, type=int)))


@bp.route("/accounts/<int:user_id>/second-factor", methods=["GET", "POST"])
def reset_second_factor(user_id: int):
    """For a person who lost the phone and the recovery codes; audited, and the person is told."""
    user = _get_or_404(User, user_id)
    if user.id == current_user.id or not user.has_second_factor:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit() and (wait := over_limit(Action.DECISION)):  # the person is told by mail
        return too_many(form, "coordinator/reset_second_factor.html", wait, person=user)
    if form.validate_on_submit() and commit_or_flash(
        lambda: second_factor.reset(current_user, user),
        _("Two-step login of %(name)s is off, and all their sessions have ended.", name=user.full_name),
    ):
        return redirect(url_for("coordinator.accounts_list"))
    return render_template("coordinator/reset_second_factor.html", person=user, form=form)


@bp.route("/accounts/<int:user_id>/deactivate", methods=["GET", "POST"])
def deactivate_account(user_id: int):
    user = _get_or_404(User, user_id)
    back = url_for("coordinator.accounts_list", page=request.args.get("page", 1, type=int))
    if not user.active:
        flash(_("This account is deactivated already."), "error")
        return redirect(back)

    def confirmation() -> Confirmation:
        happens = [
            _("%(name)s can no longer log in; every session ends at once.", name=user.full_name),
            _("Invitations this account sent can no longer be accepted."),
        ]
        if user.profile is not None:
            happens.append(
                _("Offers still waiting for this volunteer's answer are withdrawn; confirmed assignments stay.")
            )
        return Confirmation(
            title=_("Deactivate the account of %(name)s?", name=user.full_name),
            facts=[(_("Email address"), user.email or "–")],
            happens=[*happens, _("A coordinator can reactivate the account later.")],
            told=[_("Volunteers whose offers are withdrawn, by mail.")] if user.profile is not None else [],
            confirm_label=_("Yes, deactivate"),
            back_url=back,
        )

    return confirm_then(
        confirmation,
        ConfirmForm(),
        lambda: accounts.set_active(current_user, user, False),
        _("The account is deactivated and all its sessions have ended."),
        back,
        limit=Action.DECISION,  # offers still open are withdrawn by mail
    )


@bp.route("/audit")
def audit_log():
    query = (
        select(AuditEvent)
        .options(
            selectinload(AuditEvent.actor),
            selectinload(AuditEvent.subject_user),
            selectinload(AuditEvent.organisation),
        )
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    )
    page = db.paginate(query, page=page_number(), per_page=50, error_out=False)
    return render_template("coordinator/audit.html", page=page)
