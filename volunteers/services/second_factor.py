"""The second factor: a code from an authenticator app (TOTP, RFC 6238) or a single-use
recovery code. Required for coordinators where COORDINATOR_SECOND_FACTOR is `required`,
offered to everyone.

A TOTP code is accepted once (the last used time step is stored; a conditional UPDATE makes
two concurrent uses of one code fail for one of them). Recovery codes are shown once and
stored as HMACs under the app's secret key; each is spent by a conditional UPDATE.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import secrets
from datetime import datetime

import pyotp
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, or_, select, update

from ..db_types import utcnow
from ..db_writes import rows_changed
from ..extensions import db
from ..models import RecoveryCode, User
from ..notifications.events import notify_second_factor_changed
from . import ServiceError, audit
from .passwords import verify_password


class SecondFactorPolicy(enum.Enum):
    """The setting COORDINATOR_SECOND_FACTOR."""

    #: Coordinators cannot use the site before they have set up a second factor.
    REQUIRED = "required"
    #: Offered to coordinators like to everyone (the demo; a county rolling it out).
    OPTIONAL = "optional"


class SecondFactorChange(enum.Enum):
    ENABLED = "enabled"
    DISABLED = "disabled"
    CODES_RENEWED = "codes_renewed"
    RESET = "reset"


RECOVERY_CODE_COUNT = 10
#: Lower-case letters and digits without look-alikes (0/o, 1/l/i): 31 symbols, 10 per code.
_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_CODE_LENGTH = 10
#: One time step (30 s) either side, for phones whose clock is a little off.
_VALID_WINDOW = 1


def is_required(user: User) -> bool:
    policy = SecondFactorPolicy(current_app.config["COORDINATOR_SECOND_FACTOR"])
    return user.is_coordinator and policy is SecondFactorPolicy.REQUIRED


def provisioning_uri(user: User, secret: str) -> str:
    """What the QR code holds: the secret, the account and the centre's name for the app."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email or "", issuer_name=current_app.config["CENTRE_NAME"])


def start_setup(user: User) -> str:
    """A new secret, kept aside until a code from the app confirms it (a second factor that is
    already on stays on meanwhile: moving to a new phone)."""
    user.totp_pending_secret = pyotp.random_base32()
    return user.totp_pending_secret


def _digits(code: str) -> str:
    return "".join(code.split())


def _matching_step(secret: str, code: str, now: datetime) -> int | None:
    code = _digits(code)
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in range(current - _VALID_WINDOW, current + _VALID_WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def confirm_setup(user: User, code: str, now: datetime | None = None) -> list[str]:
    """Turns the second factor on with the secret being set up; returns new recovery codes."""
    now = now or utcnow()
    if user.totp_pending_secret is None:
        raise ServiceError(_l("The set-up has expired. Please start again."))
    step = _matching_step(user.totp_pending_secret, code, now)
    if step is None:
        raise ServiceError(
            _l("This code is not correct. Enter the 6 digits the app shows now for this account."), field="code"
        )
    renewing = user.has_second_factor
    user.totp_secret = user.totp_pending_secret
    user.totp_pending_secret = None
    user.totp_enabled_at = now
    user.totp_last_step = step
    codes = _new_recovery_codes(user, now)
    audit.record("account.second_factor_enabled", actor=user, subject=user, renewed=renewing)
    notify_second_factor_changed(user, SecondFactorChange.ENABLED)
    return codes


def _code_hash(user: User, code: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    normalised = "".join(ch for ch in code.lower() if ch.isalnum())
    return hmac.new(secret, f"{user.id}\x00{normalised}".encode(), hashlib.sha256).hexdigest()


def _new_recovery_codes(user: User, now: datetime) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(_CODE_LENGTH))
        code = f"{raw[:5]}-{raw[5:]}"
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_code_hash(user, code), created_at=now))
        codes.append(code)
    return codes


def remaining_recovery_codes(user: User) -> int:
    return db.session.execute(
        select(func.count(RecoveryCode.id)).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    ).scalar_one()


def verify(user: User, code: str, now: datetime | None = None) -> bool:
    """A code from the app (once per time step) or an unused recovery code (used up)."""
    now = now or utcnow()
    if not user.has_second_factor or not code or len(code) > 40:
        return False
    assert user.totp_secret is not None
    step = _matching_step(user.totp_secret, code, now)
    if step is not None:
        claimed = rows_changed(
            update(User)
            .where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
            .values(totp_last_step=step)
            .execution_options(synchronize_session=False)
        )
        return claimed == 1
    spent = rows_changed(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _code_hash(user, code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if spent == 1:
        audit.record("account.recovery_code_used", actor=user, subject=user, left=remaining_recovery_codes(user))
        return True
    return False


def check_password(user: User, password: str) -> None:
    if not verify_password(user.password_hash, password):
        raise ServiceError(_l("The password is not correct."), field="current_password")


def _clear(user: User) -> None:
    user.totp_secret = None
    user.totp_pending_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def renew_recovery_codes(user: User, password: str, now: datetime | None = None) -> list[str]:
    now = now or utcnow()
    check_password(user, password)
    if not user.has_second_factor:
        raise ServiceError(_l("Two-step login is not on."))
    codes = _new_recovery_codes(user, now)
    audit.record("account.recovery_codes_renewed", actor=user, subject=user)
    notify_second_factor_changed(user, SecondFactorChange.CODES_RENEWED)
    return codes


def disable(user: User, password: str) -> None:
    check_password(user, password)
    if is_required(user):
        raise ServiceError(
            _l(
                "Coordinators need two-step login. To move it to a new phone, set it up again: "
                "the old one stays on until the new one is confirmed."
            )
        )
    _clear(user)
    audit.record("account.second_factor_disabled", actor=user, subject=user)
    notify_second_factor_changed(user, SecondFactorChange.DISABLED)


def reset(actor: User, user: User) -> None:
    """A coordinator turns off another account's second factor (a lost phone and no codes).
    Every session of that account ends; a coordinator under `required` sets it up again at
    the next login."""
    if not actor.is_coordinator:
        raise ServiceError(_l("Only coordinators change accounts."))
    if actor.id == user.id:
        raise ServiceError(_l("Change your own two-step login on the page “Login and security”."))
    if not user.has_second_factor:
        raise ServiceError(_l("This account does not use two-step login."))
    _clear(user)
    user.end_all_sessions()
    audit.record("account.second_factor_reset", actor=actor, subject=user)
    notify_second_factor_changed(user, SecondFactorChange.RESET)
