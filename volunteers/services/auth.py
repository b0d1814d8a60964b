"""Logging in (with throttling), password reset by mail, and password change."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l

from ..db_types import utcnow
from ..models import TokenPurpose, User
from ..notifications.events import (
    already_queued,
    notify_password_changed,
    notify_password_reset,
    notify_unlock_login,
    password_reset_key,
)
from . import ServiceError, audit, second_factor, throttle, tokens
from .accounts import send_confirmation
from .passwords import ensure_strong, hash_password, needs_rehash, verify_password
from .privacy import record_consent
from .users import find_by_email, normalise_email


class LoginResult(enum.Enum):
    OK = "ok"
    #: The password is right; the code of the second factor comes next (a separate page).
    SECOND_FACTOR = "second_factor"
    INVALID = "invalid"
    THROTTLED = "throttled"
    UNCONFIRMED = "unconfirmed"
    INACTIVE = "inactive"


@dataclass
class LoginOutcome:
    result: LoginResult
    user: User | None = None
    retry_after: int = 0


def authenticate(
    email: str,
    password: str,
    client: str,
    device: throttle.Device | None = None,
    now: datetime | None = None,
) -> LoginOutcome:
    """Checks a login. Unknown addresses cost the same time and count the same as known ones.

    `device` is the signed token of a browser in which this account logged in before (or None).
    """
    now = now or utcnow()
    email = normalise_email(email)
    user = find_by_email(email)
    keys = throttle.keys_for(email, client, device, user)
    wait = throttle.seconds_blocked(keys, now)
    if wait:
        audit.record("account.login_throttled", subject=user)
        return LoginOutcome(LoginResult.THROTTLED, retry_after=wait)

    # Unknown addresses and accounts without a password yet cost one Argon2 check too.
    valid = verify_password(user.password_hash if user is not None else None, password)
    if not valid:
        throttle.record_failure(keys, now)
        audit.record("account.login_failed", subject=user)
        return LoginOutcome(LoginResult.INVALID)

    assert user is not None and user.password_hash is not None  # the password matched a hash
    if not user.active:
        throttle.record_success(keys)
        return LoginOutcome(LoginResult.INACTIVE)
    if not user.email_confirmed:
        throttle.record_success(keys)
        send_confirmation(user, now)
        return LoginOutcome(LoginResult.UNCONFIRMED)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    if user.has_second_factor:
        # The count goes on until the second step succeeds: entering the password again
        # must not clear the failures of guessed codes.
        return LoginOutcome(LoginResult.SECOND_FACTOR, user=user)
    throttle.record_success(keys)
    user.last_login_at = now
    return LoginOutcome(LoginResult.OK, user=user)


def complete_second_factor(
    user: User,
    code: str,
    client: str,
    device: throttle.Device | None = None,
    now: datetime | None = None,
) -> LoginOutcome:
    """The second step of a login whose password was right: throttled and audited like it."""
    now = now or utcnow()
    keys = throttle.keys_for(normalise_email(user.email or ""), client, device, user)
    wait = throttle.seconds_blocked(keys, now)
    if wait:
        audit.record("account.login_throttled", subject=user)
        return LoginOutcome(LoginResult.THROTTLED, retry_after=wait)
    if not second_factor.verify(user, code, now):
        throttle.record_failure(keys, now)
        audit.record("account.second_factor_failed", subject=user)
        return LoginOutcome(LoginResult.INVALID)
    throttle.record_success(keys)
    user.last_login_at = now
    return LoginOutcome(LoginResult.OK, user=user)


def request_password_reset(email: str, now: datetime | None = None) -> None:
    """Mails a reset link if the address has an active account. The caller shows the same
    page either way, so nobody learns whether it has."""
    now = now or utcnow()
    user = find_by_email(email)
    if user is None or not user.active:
        return
    key = password_reset_key(user, now)
    if already_queued(key):
        return
    raw = tokens.issue(TokenPurpose.RESET_PASSWORD, user=user, now=now)
    notify_password_reset(user, raw, key)


def request_unlock(email: str, now: datetime | None = None) -> None:
    """Mails a link that lets one browser past the login throttling of its network (a
    stranger there may have caused it), if the address has an active account with a password.
    The caller shows the same page either way."""
    now = now or utcnow()
    user = find_by_email(email)
    if user is None or not user.active or not user.has_password:
        return
    key = f"unlock-login:{user.id}:{now:%Y%m%d%H}{now.minute // 10}"
    if already_queued(key):
        return
    raw = tokens.issue(TokenPurpose.UNLOCK_LOGIN, user=user, now=now)
    notify_unlock_login(user, raw, key)


def unlock(raw_token: str, now: datetime | None = None) -> User | None:
    """The owner opened the link: the caller marks this browser as theirs (a device cookie)."""
    token = tokens.redeem(TokenPurpose.UNLOCK_LOGIN, raw_token, now or utcnow())
    if token is None or token.user is None or not token.user.active:
        return None
    audit.record("account.device_unlocked", actor=token.user, subject=token.user)
    return token.user


def _set_password(user: User, new_password: str) -> None:
    ensure_strong(new_password, user_inputs=(user.email, user.given_name, user.family_name))
    user.password_hash = hash_password(new_password)
    user.end_all_sessions()
    tokens.revoke_account_links(user)
    notify_password_changed(user)


def reset_password(
    raw_token: str, new_password: str, consent: bool = False, now: datetime | None = None
) -> User | None:
    """Sets the password from a reset link. An account the centre recorded has none yet: its
    owner gets one only after reading the data-protection information (`consent`), which is
    recorded, as on every other way into such an account (services/invitations.take_over)."""
    now = now or utcnow()
    token = tokens.redeem(TokenPurpose.RESET_PASSWORD, raw_token, now)
    if token is None or token.user is None or not token.user.active:
        return None
    user = token.user
    first = not user.has_password
    if first and not consent:
        raise ServiceError(_l("Please confirm that you have read the data-protection information."), field="privacy")
    if user.email_confirmed_at is None:
        # The link reached this mailbox: the address is confirmed too.
        user.email_confirmed_at = now
    _set_password(user, new_password)
    if first:
        record_consent(user, now)
    audit.record("account.password_reset", actor=user, subject=user)
    return user


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Ends the user's other sessions; the caller renews the current one."""
    if not verify_password(user.password_hash, current_password):
        raise ServiceError(_l("The current password is not correct."), field="current_password")
    if current_password == new_password:
        raise ServiceError(_l("Choose a password that differs from the current one."), field="password")
    _set_password(user, new_password)
    audit.record("account.password_changed", actor=user, subject=user)
