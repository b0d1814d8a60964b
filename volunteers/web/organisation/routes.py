"""The area of migrant organisations' staff: their organisations, members and invitations."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...models import CreatedRecord, InvitationRole, Membership, Organisation
from ...permissions import can_manage_members, can_submit_requests
from ...services import invitations, memberships
from ...services.rate_limits import Action
from ..edge.once import create_once
from ..pages.pagination import paginate
from ..security.rate_limit import over_limit, wait_message
from .blueprint import bp
from .forms import MemberInviteForm


def own_organisation(organisation_id: int) -> Organisation:
    """The organisation if the current user belongs to it; 404 otherwise (no hint it exists)."""
    return db.one_or_404(
        select(Organisation)
        .join(Membership, Membership.organisation_id == Organisation.id)
        .where(Organisation.id == organisation_id, Membership.user_id == current_user.id)
    )


@bp.route("/")
def home():
    items = db.session.scalars(
        select(Membership)
        .where(Membership.user_id == current_user.id)
        .options(selectinload(Membership.organisation).selectinload(Organisation.place))
        .join(Membership.organisation)
        .order_by(Organisation.name)
    ).all()
    return render_template("organisation/home.html", memberships=items)


#: Members and open invitations per page of the organisation's page.
MEMBERS_PER_PAGE = 20
INVITATIONS_PER_PAGE = 10


def members_of(organisation: Organisation):
    """A page of the organisation's members, the longest-standing first."""
    query = (
        select(Membership)
        .where(Membership.organisation_id == organisation.id)
        .options(selectinload(Membership.user))
        .order_by(Membership.created_at, Membership.id)
    )
    return paginate(query, per_page=MEMBERS_PER_PAGE, name="members_page")


def invitations_of(organisation: Organisation):
    """A page of the organisation's invitations whose link still works."""
    query = invitations.open_invitations(role=InvitationRole.ORGANISATION, organisation=organisation)
    return paginate(query, per_page=INVITATIONS_PER_PAGE, name="invitations_page")


def _render_detail(organisation: Organisation, form: MemberInviteForm | None = None, status: int = 200):
    may_invite = can_manage_members(current_user, organisation)
    if form is None and may_invite:
        form = MemberInviteForm(locale=current_user.locale)
    may_manage = memberships.may_manage(current_user, organisation)
    return render_template(
        "organisation/detail.html",
        organisation=organisation,
        members=members_of(organisation),
        invitations=invitations_of(organisation) if may_manage else None,
        may_invite=may_invite,
        may_manage=may_manage,
        admin_count=memberships.admin_count(organisation) if may_manage else 0,
        may_submit=can_submit_requests(current_user, organisation),
        may_edit_details=may_manage,
        form=form,
    ), status


@bp.route("/<int:organisation_id>")
def detail(organisation_id: int):
    return _render_detail(own_organisation(organisation_id))


@bp.post("/<int:organisation_id>/invite")
def invite(organisation_id: int):
    organisation = own_organisation(organisation_id)
    if not can_manage_members(current_user, organisation):
        abort(403)
    form = MemberInviteForm()
    if not form.validate_on_submit():
        return _render_detail(organisation, form, status=400)
    if wait := over_limit(Action.INVITATION):
        form.form_errors.append(wait_message(wait))
        page, status = _render_detail(organisation, form, status=429)
        return page, status, {"Retry-After": str(wait)}
    created = create_once(
        form,
        CreatedRecord.INVITATION,
        lambda: invitations.invite(
            current_user,
            role=InvitationRole.ORGANISATION,
            organisation=organisation,
            email=form.email.data,
            given_name=form.given_name.data,
            family_name=form.family_name.data,
            locale=form.locale.data,
            make_admin=form.make_admin.data,
        ),
    )
    if created:
        if not created.again:
            flash(_("The invitation has been sent."), "success")
        return redirect(url_for("organisation.detail", organisation_id=organisation.id))
    return _render_detail(own_organisation(organisation_id), form, status=400)
