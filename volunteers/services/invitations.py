"""Invitations: a coordinator invites coordinators; an organisation's admin invites colleagues."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Exists, Select, SQLColumnExpression, delete, func, select, update
from sqlalchemy.orm import selectinload

from ..db_types import utcnow
from ..db_writes import rows_changed
from ..extensions import db
from ..models import (
    ActionToken,
    Invitation,
    InvitationRole,
    Membership,
    Organisation,
    TokenPurpose,
    User,
    VolunteerProfile,
)
from ..notifications.events import notify_invitation
from ..permissions import can_manage_members, membership
from . import ServiceError, audit, tokens
from .passwords import ensure_strong, hash_password
from .privacy import record_consent
from .users import create_account, find_by_email, normalise_email

#: Invitations one person may send in 24 hours: mail to strangers must not become a spam channel.
DAILY_LIMIT = 20


def _check_daily_limit(inviter: User, now: datetime) -> None:
    sent = db.session.execute(
        select(func.count(Invitation.id)).where(
            Invitation.invited_by_id == inviter.id, Invitation.created_at > now - timedelta(days=1)
        )
    ).scalar_one()
    if sent >= DAILY_LIMIT:
        raise ServiceError(
            _l("You have sent %(num)d invitations in the last 24 hours. Please try again tomorrow.", num=DAILY_LIMIT)
        )


def invite(
    inviter: User,
    *,
    role: InvitationRole,
    email: str,
    given_name: str,
    family_name: str,
    locale: str,
    organisation: Organisation | None = None,
    make_admin: bool = False,
    now: datetime | None = None,
) -> Invitation:
    now = now or utcnow()
    email = normalise_email(email)
    existing = find_by_email(email)
    if role is InvitationRole.VOLUNTEER:
        raise ServiceError(_l("Volunteers recorded by the centre are invited from their profile."))
    if role is InvitationRole.COORDINATOR:
        if not inviter.is_coordinator:
            raise ServiceError(_l("Only coordinators invite coordinators."))
        if existing is not None and existing.is_coordinator:
            raise ServiceError(_l("This person is already a coordinator."), field="email")
        organisation = None
        make_admin = False
    else:
        if organisation is None:
            raise ServiceError(_l("Only an administrator of this organisation invites colleagues."))
        if not organisation.is_approved and not inviter.is_coordinator:
            raise ServiceError(_l("Colleagues can be invited once the centre has approved the organisation."))
        if not (inviter.is_coordinator or can_manage_members(inviter, organisation)):
            raise ServiceError(_l("Only an administrator of this organisation invites colleagues."))
        if existing is not None and membership(existing, organisation) is not None:
            raise ServiceError(_l("This person is already a member of the organisation."), field="email")
    already_open = open_invitations(role=role, organisation=organisation, now=now).where(Invitation.email == email)
    if db.session.scalar(select(already_open.exists())):
        raise ServiceError(
            _l(
                "An invitation to this address is still open. "
                "Revoke it in the list of open invitations to send a new one."
            ),
            field="email",
        )
    _check_daily_limit(inviter, now)

    invitation = Invitation(
        email=email,
        given_name=given_name.strip(),
        family_name=family_name.strip(),
        role=role,
        organisation=organisation,
        make_admin=make_admin,
        invited_by=inviter,
        locale=locale,
        created_at=now,
        expires_at=now + tokens.LIFETIMES[TokenPurpose.INVITATION],
    )
    db.session.add(invitation)
    db.session.flush()
    raw = tokens.issue(TokenPurpose.INVITATION, invitation=invitation, now=now)
    notify_invitation(invitation, raw, current_app.config["CENTRE_NAME"])
    audit.record("invitation.sent", actor=inviter, organisation=organisation, role=role.value)
    return invitation


def withdraw_open_invitations(inviter: User) -> int:
    """When an account is deactivated, the invitations it sent can no longer be accepted."""
    open_ids = select(Invitation.id).where(Invitation.invited_by_id == inviter.id, Invitation.accepted_at.is_(None))
    return rows_changed(delete(ActionToken).where(ActionToken.invitation_id.in_(open_ids)))


def _live_link(now: datetime, invitation_id: SQLColumnExpression[int] | int = Invitation.id) -> Exists:
    """The invitation's link still works: not used, revoked, withdrawn or expired."""
    return (
        select(ActionToken.id)
        .where(
            ActionToken.invitation_id == invitation_id,
            ActionToken.purpose == TokenPurpose.INVITATION,
            ActionToken.used_at.is_(None),
            ActionToken.expires_at > now,
        )
        .exists()
    )


def is_open(invitation: Invitation, now: datetime | None = None) -> bool:
    return invitation.accepted_at is None and bool(
        db.session.scalar(select(_live_link(now or utcnow(), invitation.id)))
    )


def open_invitations(
    *, role: InvitationRole, organisation: Organisation | None = None, now: datetime | None = None
) -> Select:
    """Invitations of this kind (and organisation) whose link still works, the newest first."""
    query = (
        select(Invitation)
        .where(Invitation.role == role, Invitation.accepted_at.is_(None), _live_link(now or utcnow()))
        .options(selectinload(Invitation.invited_by))
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
    )
    if organisation is not None:
        query = query.where(Invitation.organisation_id == organisation.id)
    return query


def may_revoke(user: User, invitation: Invitation) -> bool:
    """Coordinators revoke invitations to coordinate and any organisation's; an organisation's
    administrators revoke their organisation's."""
    if invitation.role is InvitationRole.COORDINATOR:
        return user.is_coordinator
    if invitation.role is InvitationRole.ORGANISATION and invitation.organisation is not None:
        item = membership(user, invitation.organisation)
        return user.is_coordinator or (item is not None and item.is_admin)
    return False


def revoke(actor: User, invitation: Invitation, now: datetime | None = None) -> None:
    """The link in the invitation mail stops working at once (a conditional UPDATE: of a
    revocation and an acceptance at the same moment, one wins)."""
    now = now or utcnow()
    if not may_revoke(actor, invitation):
        raise ServiceError(_l("Only an administrator of this organisation revokes its invitations."))
    ended = rows_changed(
        update(ActionToken)
        .where(
            ActionToken.invitation_id == invitation.id,
            ActionToken.purpose == TokenPurpose.INVITATION,
            ActionToken.used_at.is_(None),
            ActionToken.expires_at > now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if not ended:
        raise ServiceError(_l("This invitation is no longer open: it has been accepted, revoked or has run out."))
    audit.record(
        "invitation.revoked",
        actor=actor,
        organisation=invitation.organisation,
        role=invitation.role.value,
        invitation_id=invitation.id,
    )


def open_invitation(raw_token: str, now: datetime | None = None) -> Invitation | None:
    token = tokens.peek(TokenPurpose.INVITATION, raw_token, now)
    return token.invitation if token is not None else None


def _grant(invitation: Invitation, user: User, now: datetime) -> None:
    if invitation.role is InvitationRole.COORDINATOR:
        user.is_coordinator = True
    else:
        assert invitation.organisation is not None
        current = membership(user, invitation.organisation)
        if current is None:
            db.session.add(Membership(user=user, organisation=invitation.organisation, is_admin=invitation.make_admin))
        elif invitation.make_admin:
            current.is_admin = True
    invitation.accepted_at = now
    invitation.accepted_by_id = user.id
    audit.record("invitation.accepted", actor=user, subject=user, organisation=invitation.organisation)
    audit.record(
        "role.granted",
        actor=invitation.invited_by,
        subject=user,
        organisation=invitation.organisation,
        role=invitation.role.value,
    )


def _redeem(raw_token: str, now: datetime) -> Invitation:
    token = tokens.redeem(TokenPurpose.INVITATION, raw_token, now)
    if token is None or token.invitation is None:
        raise ServiceError(_l("This invitation has expired or has already been used. Ask for a new one."))
    return token.invitation


def accept_as(user: User, raw_token: str, now: datetime | None = None) -> Invitation:
    """The invited person already has an account and is signed in with it."""
    now = now or utcnow()
    invitation = open_invitation(raw_token, now)
    if invitation is None:
        raise ServiceError(_l("This invitation has expired or has already been used. Ask for a new one."))
    if invitation.email != user.email:
        raise ServiceError(
            _l("This invitation was sent to another email address. Log out and log in with that address.")
        )
    invitation = _redeem(raw_token, now)
    _grant(invitation, user, now)
    return invitation


def accept_with_new_account(
    raw_token: str, *, given_name: str, family_name: str, password: str, locale: str, now: datetime | None = None
) -> User:
    """The invited person has no account yet: the mail proved the address, so it is confirmed."""
    now = now or utcnow()
    invitation = _redeem(raw_token, now)
    if find_by_email(invitation.email) is not None:
        raise ServiceError(_l("An account with this address exists already. Log in to accept the invitation."))
    user = create_account(
        email=invitation.email,
        given_name=given_name,
        family_name=family_name,
        password=password,
        locale=locale,
        confirmed_at=now,
    )
    record_consent(user, now)
    audit.record("account.registered", subject=user, role=invitation.role.value)
    _grant(invitation, user, now)
    return user


def invite_to_take_over(coordinator: User, profile: VolunteerProfile, now: datetime | None = None) -> Invitation:
    """Invites a volunteer the centre recorded to take over the account made for them."""
    now = now or utcnow()
    user = profile.user
    if not coordinator.is_coordinator:
        raise ServiceError(_l("Only coordinators invite volunteers."))
    if user.has_password:
        raise ServiceError(_l("This volunteer uses their account already."))
    if not user.email:
        raise ServiceError(_l("Add an email address first: the invitation goes there."), field="email")
    _check_daily_limit(coordinator, now)
    invitation = Invitation(
        email=user.email,
        given_name=user.given_name,
        family_name=user.family_name,
        role=InvitationRole.VOLUNTEER,
        invited_by=coordinator,
        locale=user.locale,
        created_at=now,
        expires_at=now + tokens.LIFETIMES[TokenPurpose.INVITATION],
    )
    db.session.add(invitation)
    db.session.flush()
    raw = tokens.issue(TokenPurpose.INVITATION, invitation=invitation, now=now)
    notify_invitation(invitation, raw, current_app.config["CENTRE_NAME"])
    audit.record("invitation.sent", actor=coordinator, subject=user, role=InvitationRole.VOLUNTEER.value)
    return invitation


def take_over(
    raw_token: str, *, given_name: str, family_name: str, password: str, locale: str, now: datetime | None = None
) -> User:
    """A person the centre recorded (an account without a password) sets a password from an
    invitation: the account is theirs, the address confirmed, the consent recorded; an
    organisation's or the coordinators' invitation also gives its role."""
    now = now or utcnow()
    invitation = _redeem(raw_token, now)
    user = find_by_email(invitation.email)
    if user is None or user.has_password:
        raise ServiceError(_l("This invitation has expired or has already been used. Ask for a new one."))
    if not user.active:
        raise ServiceError(_l("This account has been deactivated. Please contact the centre."))
    ensure_strong(password, user_inputs=(user.email, given_name, family_name))
    user.password_hash = hash_password(password)
    user.given_name = given_name.strip()
    user.family_name = family_name.strip()
    user.locale = locale
    user.email_confirmed_at = now
    record_consent(user, now)
    if invitation.role is not InvitationRole.VOLUNTEER:
        _grant(invitation, user, now)
        return user
    invitation.accepted_at = now
    invitation.accepted_by_id = user.id
    audit.record("invitation.accepted", actor=user, subject=user, role=InvitationRole.VOLUNTEER.value)
    return user
