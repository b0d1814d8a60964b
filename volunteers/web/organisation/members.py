"""An organisation's administrators manage its members and open invitations: remove a member
(asked first), make a member an administrator (one tap) or take the rights back (asked first),
revoke an invitation (asked first)."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...models import Invitation, Membership, Organisation
from ...services import invitations, memberships
from ...services.rate_limits import Action
from ..edge.confirm import Confirmation, confirm_then
from ..edge.service_errors import attempt
from ..pages.forms import ConfirmForm
from .blueprint import bp
from .routes import own_organisation


def _managed(organisation_id: int) -> Organisation:
    """The organisation, for its administrators: 404 to outsiders, 403 to its other members."""
    organisation = own_organisation(organisation_id)
    if not memberships.may_manage(current_user, organisation):
        abort(403)
    return organisation


def _back(organisation: Organisation, section: str = "members") -> str:
    return url_for("organisation.detail", organisation_id=organisation.id) + f"#{section}"


def _member_or_gone(organisation: Organisation, user_id: int) -> Membership | None:
    """The membership; None (with a message) if this person was removed already; 404 for
    anyone who never was a member."""
    member = db.session.scalar(
        select(Membership)
        .where(Membership.organisation_id == organisation.id, Membership.user_id == user_id)
        .options(selectinload(Membership.user))
    )
    if member is None:
        if not memberships.was_removed(organisation, user_id):
            abort(404)
        flash(_("This person is no longer a member of the organisation."), "error")
    return member


def _member_facts(member: Membership) -> list[tuple[object, object]]:
    from ...formatting import format_date

    return [
        (_("Name"), member.user.full_name),
        (_("Role"), _("Administrator") if member.is_admin else _("Member")),
        (_("Member since"), format_date(member.created_at)),
    ]


@bp.route("/<int:organisation_id>/members/<int:user_id>/remove", methods=["GET", "POST"])
def remove_member(organisation_id: int, user_id: int):
    organisation = _managed(organisation_id)
    member = _member_or_gone(organisation, user_id)
    if member is None:
        return redirect(_back(organisation))
    name = member.user.full_name
    yourself = member.user_id == current_user.id
    refused = memberships.removal_refused(member)
    if refused is not None:
        flash(str(refused.message), "error")
        return redirect(_back(organisation))

    def confirmation() -> Confirmation:
        happens = [
            _("You can no longer see the organisation or its requests.")
            if yourself
            else _(
                "%(name)s can no longer see the organisation or its requests, nor submit requests for it.", name=name
            ),
            _(
                "Support requests %(name)s submitted stay with the organisation; the contact person gets their mails.",
                name=name,
            )
            if not yourself
            else _("Support requests you submitted stay with the organisation; the contact person gets their mails."),
            _("To add the person again, an administrator invites them again."),
        ]
        return Confirmation(
            title=_("Leave %(organisation)s?", organisation=organisation.name)
            if yourself
            else _("Remove %(name)s from %(organisation)s?", name=name, organisation=organisation.name),
            facts=_member_facts(member),
            happens=happens,
            told=[_("%(name)s, by mail.", name=name)],
            confirm_label=_("Yes, leave the organisation") if yourself else _("Yes, remove"),
            back_url=_back(organisation),
        )

    done = (
        _("You are no longer a member of “%(organisation)s”.", organisation=organisation.name)
        if yourself
        else _("%(name)s is no longer a member; they have been told by mail.", name=name)
    )
    then = url_for("organisation.home") if yourself else _back(organisation)
    return confirm_then(
        confirmation,
        ConfirmForm(),
        lambda: memberships.remove(current_user, member),
        done,
        then,
        limit=Action.DECISION,  # the person removed is told by mail
    )


@bp.post("/<int:organisation_id>/members/<int:user_id>/admin")
def grant_admin(organisation_id: int, user_id: int):
    """Making a member an administrator is one tap; taking the rights back asks first."""
    organisation = _managed(organisation_id)
    member = _member_or_gone(organisation, user_id)
    if member is None:
        return redirect(_back(organisation))
    if not ConfirmForm().validate_on_submit():
        flash(_("The form had expired. Please try again."), "error")
    else:
        attempt(
            lambda: memberships.set_admin(current_user, member, True),
            done=_("%(name)s is now an administrator of the organisation.", name=member.user.full_name),
        )
    return redirect(_back(organisation))


@bp.route("/<int:organisation_id>/members/<int:user_id>/admin/remove", methods=["GET", "POST"])
def revoke_admin(organisation_id: int, user_id: int):
    organisation = _managed(organisation_id)
    member = _member_or_gone(organisation, user_id)
    if member is None:
        return redirect(_back(organisation))
    name = member.user.full_name
    yourself = member.user_id == current_user.id
    if not member.is_admin:
        flash(_("%(name)s is no administrator any more.", name=name), "error")
        return redirect(_back(organisation))

    def confirmation() -> Confirmation:
        happens = [
            _("You stay a member, but can no longer invite colleagues, manage members or change the details.")
            if yourself
            else _(
                "%(name)s stays a member, but can no longer invite colleagues, manage members or change the details.",
                name=name,
            )
        ]
        if yourself:
            happens.append(_("Only another administrator can give you the rights back."))
        return Confirmation(
            title=_("Give up your administrator rights?")
            if yourself
            else _("Take the administrator rights from %(name)s?", name=name),
            facts=_member_facts(member),
            happens=happens,
            confirm_label=_("Yes, take the rights back") if not yourself else _("Yes, give them up"),
            back_url=_back(organisation),
        )

    return confirm_then(
        confirmation,
        ConfirmForm(),
        lambda: memberships.set_admin(current_user, member, False),
        _("%(name)s is no longer an administrator.", name=name),
        _back(organisation),
    )


@bp.route("/<int:organisation_id>/invitations/<int:invitation_id>/revoke", methods=["GET", "POST"])
def revoke_invitation(organisation_id: int, invitation_id: int):
    organisation = _managed(organisation_id)
    invitation = db.one_or_404(
        select(Invitation).where(Invitation.id == invitation_id, Invitation.organisation_id == organisation.id)
    )
    return revoke_confirmed(invitation, _back(organisation, "invitations"))


def revoke_confirmed(invitation: Invitation, back: str):
    """The confirmation page for revoking an invitation, and its POST; shared with the
    coordinators' pages."""
    if not invitations.is_open(invitation):
        flash(_("This invitation is no longer open: it has been accepted, revoked or has run out."), "error")
        return redirect(back)
    name = f"{invitation.given_name} {invitation.family_name}"

    def confirmation() -> Confirmation:
        from ...formatting import format_datetime

        return Confirmation(
            title=_("Revoke the invitation to %(name)s?", name=name),
            facts=[
                (_("Name"), name),
                (_("Email address"), invitation.email),
                (_("Invited by"), invitation.invited_by.full_name if invitation.invited_by else "–"),
                (_("Valid until"), format_datetime(invitation.expires_at)),
            ],
            happens=[
                _("The link in the invitation mail stops working at once."),
                _("To invite the person later, send a new invitation."),
            ],
            confirm_label=_("Yes, revoke the invitation"),
            back_url=back,
        )

    return confirm_then(
        confirmation,
        ConfirmForm(),
        lambda: invitations.revoke(current_user, invitation),
        _("The invitation to %(name)s is revoked; its link no longer works.", name=name),
        back,
    )


__all__ = ["revoke_confirmed"]
