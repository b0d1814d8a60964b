"""One function per mail the app sends. Each renders templates/email/<event>.{txt,html}.

Mails carry what, when, where and a portal link; no more personal data than that.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..db_types import utcnow
from ..extensions import db
from ..models import Invitation, InvitationRole, Organisation, User
from .links import portal_url
from .outbox import already_queued, queue_mail


def _hour(now: datetime) -> str:
    return now.strftime("%Y%m%d%H")


def confirm_email_key(user: User, now: datetime | None = None) -> str:
    """At most one confirmation mail per account and hour."""
    return f"confirm-email:{user.id}:{_hour(now or utcnow())}"


def notify_confirm_email(user: User, raw_token: str, key: str) -> bool:
    return queue_mail(
        event="confirm_email",
        key=key,
        recipient=user.email,
        locale=user.locale,
        subject=_l("Please confirm your email address"),
        given_name=user.given_name,
        link=portal_url("auth.confirm_email", token=raw_token),
    )


def notify_account_exists(user: User, now: datetime | None = None) -> bool:
    """Someone registered with an address that has an account: tell its owner, nobody else."""
    return queue_mail(
        event="account_exists",
        key=f"account-exists:{user.id}:{_hour(now or utcnow())}",
        recipient=user.email,
        locale=user.locale,
        subject=_l("You already have an account"),
        given_name=user.given_name,
        login_link=portal_url("auth.login"),
        reset_link=portal_url("auth.forgot_password"),
    )


def password_reset_key(user: User, now: datetime | None = None) -> str:
    """At most one reset mail per account in ten minutes."""
    now = now or utcnow()
    return f"password-reset:{user.id}:{now.strftime('%Y%m%d%H')}{now.minute // 10}"


def notify_password_reset(user: User, raw_token: str, key: str) -> bool:
    return queue_mail(
        event="password_reset",
        key=key,
        recipient=user.email,
        locale=user.locale,
        subject=_l("Reset your password"),
        given_name=user.given_name,
        link=portal_url("auth.reset_password", token=raw_token),
    )


def notify_password_changed(user: User) -> bool:
    return queue_mail(
        event="password_changed",
        key=f"password-changed:{user.id}:{user.session_version}",
        recipient=user.email,
        locale=user.locale,
        subject=_l("Your password was changed"),
        given_name=user.given_name,
        reset_link=portal_url("auth.forgot_password"),
    )


def notify_invitation(invitation: Invitation, raw_token: str, centre_name: str) -> bool:
    if invitation.role is InvitationRole.COORDINATOR:
        subject = _l("Invitation to coordinate volunteers at %(centre)s", centre=centre_name)
    else:
        assert invitation.organisation is not None
        name = invitation.organisation.name
        subject = lambda: _l("Invitation to join %(organisation)s", organisation=name)  # noqa: E731
    return queue_mail(
        event="invitation",
        key=f"invitation:{invitation.id}",
        recipient=invitation.email,
        locale=invitation.locale,
        subject=subject,
        given_name=invitation.given_name,
        role=invitation.role.value,
        organisation_name=invitation.organisation.name if invitation.organisation else None,
        inviter_name=invitation.invited_by.full_name if invitation.invited_by else None,
        link=portal_url("auth.invitation", token=raw_token),
        expires_at=invitation.expires_at,
    )


def _coordinators() -> list[User]:
    return list(
        db.session.scalars(select(User).where(User.is_coordinator.is_(True), User.active.is_(True)).order_by(User.id))
    )


def notify_organisation_awaiting_approval(organisation: Organisation) -> int:
    """Tells every coordinator that an organisation waits for their decision."""
    link = portal_url("coordinator.organisation", organisation_id=organisation.id)
    queued = 0
    for coordinator in _coordinators():
        queued += queue_mail(
            event="organisation_awaiting_approval",
            key=f"organisation-awaiting:{organisation.id}:{coordinator.id}",
            recipient=coordinator.email,
            locale=coordinator.locale,
            subject=_l("An organisation is waiting for approval"),
            given_name=coordinator.given_name,
            organisation_name=organisation.name,
            link=link,
        )
    return queued


def _admins(organisation: Organisation) -> list[User]:
    return [m.user for m in organisation.memberships if m.is_admin and m.user.active]


def notify_organisation_decided(organisation: Organisation) -> int:
    """Tells the organisation's admins that it was approved or rejected (with the reason)."""
    approved = organisation.is_approved
    event = "organisation_approved" if approved else "organisation_rejected"
    subject = _l("Your organisation was approved") if approved else _l("Your organisation was not approved")
    queued = 0
    for admin in _admins(organisation):
        queued += queue_mail(
            event=event,
            key=f"{event.replace('_', '-')}:{organisation.id}:{admin.id}",
            recipient=admin.email,
            locale=admin.locale,
            subject=subject,
            given_name=admin.given_name,
            organisation_name=organisation.name,
            reason=organisation.rejection_reason,
            link=portal_url("organisation.detail", organisation_id=organisation.id),
        )
    return queued


__all__ = [
    "already_queued",
    "confirm_email_key",
    "notify_account_exists",
    "notify_confirm_email",
    "notify_invitation",
    "notify_organisation_awaiting_approval",
    "notify_organisation_decided",
    "notify_password_changed",
    "notify_password_reset",
    "password_reset_key",
]
