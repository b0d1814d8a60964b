"""Accounts: registration, email confirmation, roles, language, deactivation."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l

from ..db_types import utcnow
from ..models import Place, TokenPurpose, User
from ..notifications.events import (
    already_queued,
    confirm_email_key,
    notify_account_exists,
    notify_confirm_email,
    notify_email_change,
    notify_email_change_requested,
    notify_email_changed,
)
from . import ServiceError, audit, calendar_feeds, organisations, tokens
from .invitations import withdraw_open_invitations
from .offers import withdraw_open_offers
from .passwords import ensure_strong, hash_password, verify_password
from .privacy import record_consent
from .users import create_account, find_by_email, normalise_email
from .volunteers import ensure_profile


def send_confirmation(user: User, now: datetime | None = None) -> bool:
    """Queues a confirmation link; at most one an hour, so nobody can flood a mailbox."""
    now = now or utcnow()
    key = confirm_email_key(user, now)
    if already_queued(key):
        return False
    raw = tokens.issue(TokenPurpose.CONFIRM_EMAIL, user=user, now=now)
    return notify_confirm_email(user, raw, key)


def _register(
    *, email: str, given_name: str, family_name: str, password: str, locale: str, role: str, now: datetime
) -> User | None:
    """A new account with the consent recorded, or None when the address has one already:
    then its owner is told by mail, and the caller shows the same page either way."""
    # Checked before looking the address up: a refused password must not tell whether it has an account.
    ensure_strong(password, user_inputs=(email, given_name, family_name))
    existing = find_by_email(email)
    if existing is not None:
        hash_password(password)  # costs what a new account costs: the answer's timing tells nothing
        notify_account_exists(existing, now)
        return None
    user = create_account(email=email, given_name=given_name, family_name=family_name, password=password, locale=locale)
    record_consent(user, now)
    audit.record("account.registered", subject=user, role=role)
    return user


def register_volunteer(
    *, email: str, given_name: str, family_name: str, password: str, locale: str, now: datetime | None = None
) -> User | None:
    """Returns the new account, or None when the address already had one (its owner is told)."""
    now = now or utcnow()
    user = _register(
        email=email,
        given_name=given_name,
        family_name=family_name,
        password=password,
        locale=locale,
        role="volunteer",
        now=now,
    )
    if user is not None:
        user.is_volunteer = True
        ensure_profile(user)
        send_confirmation(user, now)
    return user


def register_organisation(
    *,
    organisation_name: str,
    place: Place,
    email: str,
    given_name: str,
    family_name: str,
    password: str,
    locale: str,
    now: datetime | None = None,
) -> User | None:
    """A new account for the contact person and a pending organisation; None as above."""
    now = now or utcnow()
    organisations.check_name_free(organisation_name)
    user = _register(
        email=email,
        given_name=given_name,
        family_name=family_name,
        password=password,
        locale=locale,
        role="organisation",
        now=now,
    )
    if user is None:
        return None
    organisations.create_organisation(user, organisation_name, place, now)
    send_confirmation(user, now)
    return user


def add_volunteer_role(user: User, now: datetime | None = None) -> None:
    """A signed-in person (often staff of an organisation) also volunteers."""
    if user.is_volunteer:
        raise ServiceError(_l("You are already registered as a volunteer."))
    user.is_volunteer = True
    ensure_profile(user)
    record_consent(user, now)
    audit.record("role.granted", actor=user, subject=user, role="volunteer")


def confirm_email(raw_token: str, now: datetime | None = None) -> User | None:
    now = now or utcnow()
    token = tokens.redeem(TokenPurpose.CONFIRM_EMAIL, raw_token, now)
    if token is None or token.user is None:
        return None
    user = token.user
    if user.email_confirmed_at is None:
        user.email_confirmed_at = now
        audit.record("account.email_confirmed", actor=user, subject=user)
        organisations.announce_pending_organisations(user)
    return user


def request_email_change(user: User, new_email: str, password: str, now: datetime | None = None) -> None:
    """Mails a confirmation link to the new address; the old one stays until it is used.
    The password is asked for, so a session left open on a shared computer cannot move the
    account away; the old address is told, with a link that stops the change.
    Whether the new address is taken is told only on confirming, to its owner's mailbox."""
    now = now or utcnow()
    if not verify_password(user.password_hash, password):
        raise ServiceError(_l("The password is not correct."), field="current_password")
    new_email = normalise_email(new_email)
    if new_email == user.email:
        raise ServiceError(_l("This is already your address."), field="new_email")
    key = f"change-email:{user.id}:{now:%Y%m%d%H}"
    if already_queued(key):
        raise ServiceError(_l("A confirmation link was sent within the last hour. Please use that one."))
    raw = tokens.issue(TokenPurpose.CHANGE_EMAIL, user=user, new_email=new_email, now=now)
    notify_email_change(user, new_email, raw, key)
    if user.email:
        stop = tokens.issue(TokenPurpose.STOP_EMAIL_CHANGE, user=user, new_email=new_email, sent_to=user.email, now=now)
        notify_email_change_requested(user, new_email, stop, key)
    audit.record("account.email_change_requested", actor=user, subject=user)


def confirm_email_change(raw_token: str, now: datetime | None = None) -> User | None:
    """The new address is confirmed; the old one is told, with a link that undoes the change."""
    now = now or utcnow()
    token = tokens.redeem(TokenPurpose.CHANGE_EMAIL, raw_token, now)
    if token is None or token.user is None or token.new_email is None:
        return None
    if find_by_email(token.new_email) is not None:
        raise ServiceError(_l("Another account uses this address already. Your address has not changed."))
    user = token.user
    old_email = user.email
    user.email = token.new_email
    user.email_confirmed_at = now
    tokens.revoke_unused(TokenPurpose.CHANGE_EMAIL, user, now)
    if old_email:
        undo = tokens.issue(
            TokenPurpose.STOP_EMAIL_CHANGE, user=user, new_email=token.new_email, sent_to=old_email, now=now
        )
        notify_email_changed(user, old_email, undo)
    audit.record("account.email_changed", actor=user, subject=user)
    return user


def stop_email_change(raw_token: str, now: datetime | None = None) -> tuple[User, str] | None:
    """The old address stops a change of address it did not ask for, or undoes one already
    confirmed. Every session ends and every open link of the account dies: whoever asked had
    the account open and knew its password. Returns the account and a fresh reset link's
    secret, so its owner chooses a new password at once (the click proved the mailbox)."""
    now = now or utcnow()
    token = tokens.redeem(TokenPurpose.STOP_EMAIL_CHANGE, raw_token, now)
    if token is None or token.user is None:
        return None
    user = token.user
    restored = False
    if token.sent_to and token.new_email and user.email == token.new_email and find_by_email(token.sent_to) is None:
        user.email = token.sent_to
        user.email_confirmed_at = now
        restored = True
    user.end_all_sessions()
    tokens.revoke_account_links(user, now)
    tokens.revoke_unused(TokenPurpose.STOP_EMAIL_CHANGE, user, now)
    reset = tokens.issue(TokenPurpose.RESET_PASSWORD, user=user, now=now)
    audit.record("account.email_change_stopped", actor=user, subject=user, restored=restored)
    return user, reset


def set_locale(user: User, locale: str) -> None:
    user.locale = locale


def set_active(actor: User, user: User, active: bool) -> None:
    if not actor.is_coordinator:
        raise ServiceError(_l("Only coordinators change accounts."))
    if actor.id == user.id:
        raise ServiceError(_l("You cannot deactivate your own account."))
    if user.active == active:
        return
    user.active = active
    user.deactivated_at = None if active else utcnow()
    # Deactivation ends every session, remember-me included, and the invitations it sent.
    user.end_all_sessions()
    if not active:
        withdraw_open_invitations(user)
        if user.profile is not None:
            withdraw_open_offers(user.profile, actor)
            calendar_feeds.stop(user.profile)
    audit.record("account.reactivated" if active else "account.deactivated", actor=actor, subject=user)
