"""Coordinators invite coordinators, see the invitations still open, and revoke one (theirs,
another coordinator's, or any organisation's)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...extensions import db
from ...models import CreatedRecord, Invitation, InvitationRole
from ...services import invitations
from ...services.rate_limits import Action
from ..edge.once import create_once
from ..edge.service_errors import form_status
from ..organisation.forms import InviteForm
from ..organisation.members import revoke_confirmed
from ..pages.pagination import paginate
from ..security.rate_limit import over_limit, too_many
from .blueprint import bp

INVITATIONS_PER_PAGE = 20


def _open_invitations():
    return paginate(
        invitations.open_invitations(role=InvitationRole.COORDINATOR),
        per_page=INVITATIONS_PER_PAGE,
        name="invitations_page",
    )


@bp.route("/invitations", methods=["GET", "POST"])
def invite_coordinator():
    form = InviteForm(locale=current_user.locale)
    if form.validate_on_submit():
        if wait := over_limit(Action.INVITATION):
            return too_many(form, "coordinator/invitations.html", wait, invitations=_open_invitations())
        created = create_once(
            form,
            CreatedRecord.INVITATION,
            lambda: invitations.invite(
                current_user,
                role=InvitationRole.COORDINATOR,
                email=form.email.data,
                given_name=form.given_name.data,
                family_name=form.family_name.data,
                locale=form.locale.data,
            ),
        )
        if created:
            if not created.again:
                flash(_("The invitation has been sent."), "success")
            return redirect(url_for("coordinator.invite_coordinator"))
    return render_template("coordinator/invitations.html", form=form, invitations=_open_invitations()), form_status(
        form
    )


@bp.route("/invitations/<int:invitation_id>/revoke", methods=["GET", "POST"])
def revoke_invitation(invitation_id: int):
    """An invitation to coordinate, or to join any organisation (back to that organisation's page)."""
    invitation = db.get_or_404(Invitation, invitation_id)
    if not invitations.may_revoke(current_user, invitation):
        abort(404)
    if invitation.role is InvitationRole.ORGANISATION:
        back = url_for("coordinator.organisation", organisation_id=invitation.organisation_id) + "#invitations"
    else:
        back = url_for("coordinator.invite_coordinator") + "#invitations"
    return revoke_confirmed(invitation, back)
