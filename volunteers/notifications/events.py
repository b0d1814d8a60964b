"""One function per mail the app sends. Each renders templates/email/<event>.{txt,html}.

Mails carry what, when, where and a portal link; no more personal data than that.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..db_types import utcnow
from ..extensions import db
from ..models import (
    Invitation,
    InvitationRole,
    Organisation,
    Qualification,
    QualificationStatus,
    StatusChange,
    User,
    VolunteerProfile,
)
from ..texts import Texts
from .links import portal_url
from .outbox import CalendarEntry, Subject, already_queued, queue_mail

if TYPE_CHECKING:
    from ..services.second_factor import SecondFactorChange


def _hour(now: datetime) -> str:
    return now.strftime("%Y%m%d%H")


def confirm_email_key(user: User, now: datetime | None = None) -> str:
    """At most one confirmation mail per account and hour."""
    return f"confirm-email:{user.id}:{_hour(now or utcnow())}"


def _address(user: User) -> str:
    """The address of an account that was reached through it (registration, login, a reset link)."""
    assert user.email is not None, "an account reached through its address has one"
    return user.email


def _name_if_confirmed(user: User) -> str | None:
    """Mail to an address nobody has confirmed carries no text a stranger could have typed
    (a "name" like "You won! Click http://..."): the greeting then has no name."""
    return user.given_name if user.email_confirmed else None


def notify_confirm_email(user: User, raw_token: str, key: str) -> bool:
    return queue_mail(
        event="confirm_email",
        key=key,
        recipient=_address(user),
        locale=user.locale,
        subject=_l("Please confirm your email address"),
        given_name=None,
        link=portal_url("auth.confirm_email", token=raw_token),
    )


def notify_account_exists(user: User, now: datetime | None = None) -> bool:
    """Someone registered with an address that has an account: tell its owner, nobody else."""
    return queue_mail(
        event="account_exists",
        key=f"account-exists:{user.id}:{_hour(now or utcnow())}",
        recipient=_address(user),
        locale=user.locale,
        subject=_l("You already have an account"),
        given_name=_name_if_confirmed(user),
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
        recipient=_address(user),
        locale=user.locale,
        # An account the centre recorded has no password to reset: the mail says so.
        subject=_l("Reset your password") if user.has_password else _l("Choose a password for your account"),
        given_name=_name_if_confirmed(user),
        link=portal_url("auth.reset_password", token=raw_token),
        first_password=not user.has_password,
    )


def notify_unlock_login(user: User, raw_token: str, key: str) -> bool:
    return queue_mail(
        event="unlock_login",
        key=key,
        recipient=_address(user),
        locale=user.locale,
        subject=_l("Log in despite too many attempts on your network"),
        given_name=_name_if_confirmed(user),
        link=portal_url("auth.unlock_login", token=raw_token),
    )


def notify_second_factor_changed(user: User, change: SecondFactorChange) -> bool:
    return mail_user(
        user,
        event="second_factor_changed",
        key=f"second-factor:{change.value}:{user.id}:{utcnow():%Y%m%d%H%M%S%f}",
        subject=_l("Two-step login of your account has changed"),
        change=change.value,
        security_link=portal_url("auth.security"),
        reset_link=portal_url("auth.forgot_password"),
    )


def notify_password_changed(user: User) -> bool:
    return queue_mail(
        event="password_changed",
        key=f"password-changed:{user.id}:{user.session_version}",
        recipient=_address(user),
        locale=user.locale,
        subject=_l("Your password was changed"),
        given_name=user.given_name,
        reset_link=portal_url("auth.forgot_password"),
    )


def notify_invitation(invitation: Invitation, raw_token: str, centre_name: str) -> bool:
    if invitation.role is InvitationRole.COORDINATOR:
        subject = _l("Invitation to coordinate volunteers at %(centre)s", centre=centre_name)
    elif invitation.role is InvitationRole.VOLUNTEER:
        subject = _l("Your volunteer profile at %(centre)s: create your account", centre=centre_name)
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
        role=invitation.role,
        organisation_name=invitation.organisation.name if invitation.organisation else None,
        inviter_name=invitation.invited_by.full_name if invitation.invited_by else None,
        link=portal_url("auth.invitation", token=raw_token),
        expires_at=invitation.expires_at,
    )


def active_coordinators() -> list[User]:
    return list(
        db.session.scalars(select(User).where(User.is_coordinator.is_(True), User.active.is_(True)).order_by(User.id))
    )


def notify_organisation_awaiting_approval(organisation: Organisation) -> int:
    """Tells every coordinator that an organisation waits for their decision."""
    link = portal_url("coordinator.organisation", organisation_id=organisation.id)
    queued = 0
    for coordinator in active_coordinators():
        queued += mail_user(
            coordinator,
            event="organisation_awaiting_approval",
            key=f"organisation-awaiting:{organisation.id}:{coordinator.id}",
            subject=_l("An organisation is waiting for approval"),
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
        queued += mail_user(
            admin,
            event=event,
            key=f"{event.replace('_', '-')}:{organisation.id}:{admin.id}",
            subject=subject,
            organisation_name=organisation.name,
            reason=organisation.rejection_reason,
            link=portal_url("organisation.detail", organisation_id=organisation.id),
        )
    return queued


def notify_membership_removed(user: User, organisation: Organisation) -> bool:
    """Tells a person that an administrator removed them from the organisation."""
    return mail_user(
        user,
        event="membership_removed",
        key=f"membership-removed:{organisation.id}:{user.id}:{utcnow():%Y%m%d%H%M%S%f}",
        subject=lambda: _l("You are no longer a member of %(organisation)s", organisation=organisation.name),
        organisation_name=organisation.name,
    )


def mail_user(
    user: User,
    *,
    event: str,
    key: str,
    subject: Subject,
    calendar: CalendarEntry | None = None,
    **context: object,
) -> bool:
    """A mail to an account in its language, if it is active and has an address."""
    if not user.email or not user.active:
        return False
    return queue_mail(
        event=event,
        key=key,
        recipient=user.email,
        locale=user.locale,
        subject=subject,
        calendar=calendar,
        given_name=user.given_name,
        **context,
    )


def _volunteer_mail(profile: VolunteerProfile, *, event: str, key: str, subject: Subject, **context: object) -> bool:
    """A mail to a volunteer, if the centre has an address for them."""
    return mail_user(
        profile.user, event=event, key=key, subject=subject, calendar=None, link=portal_url("volunteer.home"), **context
    )


def notify_volunteer_status_changed(profile: VolunteerProfile, change: StatusChange) -> bool:
    return _volunteer_mail(
        profile,
        event="volunteer_status_changed",
        key=f"volunteer-status:{change.id}",
        subject=_l("Your status as a volunteer has changed"),
        status=change.to_status,
        reason=change.reason,
    )


def notify_training_decided(qualification: Qualification) -> bool:
    verified = qualification.status is QualificationStatus.VERIFIED
    return _volunteer_mail(
        qualification.profile,
        event="training_verified" if verified else "training_rejected",
        # A reopened training is decided again: a new mail.
        key=f"training-decided:{qualification.id}:{qualification.decided_at:%Y%m%d%H%M%S%f}",
        subject=_l("Your training has been verified") if verified else _l("Your training could not be verified"),
        qualification=qualification,
        reason=qualification.rejection_reason,
    )


def notify_training_reopened(qualification: Qualification) -> bool:
    return _volunteer_mail(
        qualification.profile,
        event="training_reopened",
        key=f"training-reopened:{qualification.id}:{qualification.reopened_at:%Y%m%d%H%M%S%f}",
        subject=_l("Your training is being checked again"),
        qualification=qualification,
        reason=qualification.reopen_reason,
    )


def notify_expiry_reminder(
    profile: VolunteerProfile, *, key: str, what: str, names: Texts, until: date, days: int
) -> bool:
    """`what`: "qualification", "refresher", "police_certificate" or "declaration"; `names`:
    what it is called, per locale (texts.py); `until`: the last day it counts."""
    return _volunteer_mail(
        profile,
        event="expiry_reminder",
        key=key,
        subject=_l("Reminder: something in your volunteer profile needs renewing"),
        what=what,
        names=names,
        until=until,
        days=days,
    )


def notify_expired(profile: VolunteerProfile, *, key: str, what: str, names: Texts, until: date) -> bool:
    return _volunteer_mail(
        profile,
        event="expired_notice",
        key=key,
        subject=_l("Something in your volunteer profile has run out"),
        what=what,
        names=names,
        until=until,
    )


def notify_email_change_requested(user: User, new_email: str, raw_token: str, key: str) -> bool:
    """To the old address: someone asked to move the account to `new_email`; a link stops it."""
    return mail_user(
        user,
        event="email_change_requested",
        key=f"{key}:old",
        subject=_l("Your email address is about to change"),
        new_email=new_email,
        link=portal_url("auth.stop_email_change", token=raw_token),
    )


def notify_email_changed(user: User, old_email: str, raw_token: str) -> bool:
    """To the old address: the change is done; a link undoes it."""
    return queue_mail(
        event="email_changed",
        key=f"email-changed:{user.id}:{utcnow():%Y%m%d%H%M%S%f}",
        recipient=old_email,
        locale=user.locale,
        subject=_l("The email address of your account was changed"),
        given_name=user.given_name,
        new_email=user.email,
        link=portal_url("auth.stop_email_change", token=raw_token),
    )


def notify_email_change(user: User, new_email: str, raw_token: str, key: str) -> bool:
    """To the new address: a link that confirms it (the old one stays until then)."""
    return queue_mail(
        event="confirm_email_change",
        key=key,
        recipient=new_email,
        locale=user.locale,
        subject=_l("Please confirm your new email address"),
        given_name=None,
        link=portal_url("auth.confirm_email_change", token=raw_token),
    )


__all__ = [
    "already_queued",
    "confirm_email_key",
    "notify_account_exists",
    "notify_confirm_email",
    "notify_email_change",
    "notify_email_change_requested",
    "notify_email_changed",
    "notify_expired",
    "notify_expiry_reminder",
    "notify_invitation",
    "notify_organisation_awaiting_approval",
    "notify_organisation_decided",
    "notify_password_changed",
    "notify_password_reset",
    "notify_second_factor_changed",
    "notify_training_decided",
    "notify_training_reopened",
    "notify_unlock_login",
    "notify_volunteer_status_changed",
    "password_reset_key",
]
