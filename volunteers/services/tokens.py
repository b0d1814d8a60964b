"""Single-use, expiring tokens for mail links. The link carries the secret; the database keeps
only its SHA-256, so a leaked backup opens nothing."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, select, update

from ..db_types import utcnow
from ..db_writes import rows_changed
from ..extensions import db
from ..models import ActionToken, Invitation, Offer, TokenPurpose, User

LIFETIMES = {
    TokenPurpose.CONFIRM_EMAIL: timedelta(days=7),
    TokenPurpose.CHANGE_EMAIL: timedelta(days=7),
    TokenPurpose.RESET_PASSWORD: timedelta(hours=1),
    TokenPurpose.INVITATION: timedelta(days=14),
    TokenPurpose.OFFER_RESPONSE: timedelta(days=2),
    # Outlives the change it stops by a week, so a confirmed change can still be undone.
    TokenPurpose.STOP_EMAIL_CHANGE: timedelta(days=14),
    TokenPurpose.UNLOCK_LOGIN: timedelta(hours=1),
    # Until the last reminder has long passed; a used link shows the report, not a form.
    TokenPurpose.REPORT_ASSIGNMENT: timedelta(days=14),
    # As long as the organisation's answer counts (afterwards it is confirmed without one).
    TokenPurpose.CONFIRM_ASSIGNMENT: timedelta(days=14),
}

#: The links that act on an account and die when its password is changed or reset: whoever
#: asked for them may have been someone who had no right to.
ACCOUNT_LINKS = (TokenPurpose.CHANGE_EMAIL, TokenPurpose.RESET_PASSWORD, TokenPurpose.UNLOCK_LOGIN)


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue(
    purpose: TokenPurpose,
    *,
    user: User | None = None,
    invitation: Invitation | None = None,
    offer: Offer | None = None,
    new_email: str | None = None,
    sent_to: str | None = None,
    expires_at: datetime | None = None,
    now: datetime | None = None,
) -> str:
    now = now or utcnow()
    raw = secrets.token_urlsafe(32)
    db.session.add(
        ActionToken(
            purpose=purpose,
            token_hash=digest(raw),
            user=user,
            invitation=invitation,
            offer=offer,
            new_email=new_email,
            sent_to=sent_to,
            created_at=now,
            expires_at=expires_at or now + LIFETIMES[purpose],
        )
    )
    return raw


def _valid(purpose: TokenPurpose, now: datetime) -> tuple[ColumnElement[bool], ...]:
    return (
        ActionToken.purpose == purpose,
        ActionToken.used_at.is_(None),
        ActionToken.expires_at > now,
    )


def peek(purpose: TokenPurpose, raw: str, now: datetime | None = None) -> ActionToken | None:
    """The token if it could still be redeemed; does not use it up (for the GET page)."""
    if not raw or len(raw) > 100:
        return None
    now = now or utcnow()
    return db.session.scalar(select(ActionToken).where(ActionToken.token_hash == digest(raw), *_valid(purpose, now)))


def redeem(purpose: TokenPurpose, raw: str, now: datetime | None = None) -> ActionToken | None:
    """Uses the token up. Of two concurrent redemptions exactly one gets it."""
    if not raw or len(raw) > 100:
        return None
    now = now or utcnow()
    hashed = digest(raw)
    redeemed = rows_changed(
        update(ActionToken)
        .where(ActionToken.token_hash == hashed, *_valid(purpose, now))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if redeemed != 1:
        return None
    token = db.session.scalar(select(ActionToken).where(ActionToken.token_hash == hashed))
    if token is not None:
        db.session.refresh(token)
    return token


def revoke_unused(purpose: TokenPurpose, user: User, now: datetime | None = None) -> None:
    """Ends every open token of this kind for the user (after a reset, the other links die)."""
    db.session.execute(
        update(ActionToken)
        .where(ActionToken.user_id == user.id, *_valid(purpose, now or utcnow()))
        .values(used_at=now or utcnow())
        .execution_options(synchronize_session=False)
    )


def revoke_account_links(user: User, now: datetime | None = None) -> None:
    """Ends the open address-change, reset and unlock links of the account."""
    for purpose in ACCOUNT_LINKS:
        revoke_unused(purpose, user, now)


def revoke_offer_links(offer: Offer, now: datetime | None = None) -> None:
    """The links of an offer that was withdrawn no longer work."""
    db.session.execute(
        update(ActionToken)
        .where(ActionToken.offer_id == offer.id, *_valid(TokenPurpose.OFFER_RESPONSE, now or utcnow()))
        .values(used_at=now or utcnow())
        .execution_options(synchronize_session=False)
    )
