"""Login throttling with a growing delay.

Attempts from an unknown browser count per (email, client address) and per client address.
Unknown and known addresses are treated alike, so the delay reveals nothing, and every delay is
capped. A browser in which the account's owner logged in before carries a signed device token;
its attempts count per (account, device) instead, so a stranger behind the same address (an
office or shelter network) cannot lock the owner out. Keys are HMACs, never the values.
Failures are counted with an atomic upsert, so parallel attempts cannot slip past the count.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import and_, case, delete, or_, select, update

from ..db_types import upsert, utcnow
from ..db_writes import rows_changed
from ..extensions import db
from ..models import LoginThrottle, User


@dataclass(frozen=True)
class Policy:
    prefix: str
    #: Failures allowed before any delay.
    free_failures: int
    first_delay: timedelta
    max_delay: timedelta
    #: A quiet period after which the count starts again.
    forget_after: timedelta

    def delay(self, failures: int) -> timedelta:
        over = failures - self.free_failures
        if over < 0:
            return timedelta(0)
        return min(self.first_delay * (2**over), self.max_delay)


EMAIL_AND_CLIENT = Policy("ec", 3, timedelta(seconds=2), timedelta(minutes=15), timedelta(hours=1))
CLIENT = Policy("c", 20, timedelta(seconds=2), timedelta(minutes=15), timedelta(hours=1))
KNOWN_DEVICE = Policy("kd", 3, timedelta(seconds=2), timedelta(minutes=15), timedelta(hours=1))

DEVICE_COOKIE = "known_device"
DEVICE_LIFETIME = timedelta(days=365)


@dataclass(frozen=True)
class Device:
    """A browser in which an account's owner has logged in before."""

    user_id: int
    nonce: str


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="known-device")


def issue_device_token(user: User) -> str:
    return _serializer().dumps({"u": user.id, "n": secrets.token_urlsafe(12)})


def read_device_token(token: str | None) -> Device | None:
    if not token or len(token) > 200:
        return None
    try:
        data = _serializer().loads(token, max_age=int(DEVICE_LIFETIME.total_seconds()))
        return Device(user_id=int(data["u"]), nonce=str(data["n"]))
    except (BadSignature, KeyError, TypeError, ValueError):
        return None


def _key(policy: Policy, *parts: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(secret, "\x00".join(parts).encode(), hashlib.sha256).hexdigest()
    return f"{policy.prefix}:{digest}"


def keys_for(email: str, client: str, device: Device | None, user: User | None) -> list[tuple[Policy, str]]:
    """The buckets this attempt counts in."""
    if device is not None and user is not None and device.user_id == user.id:
        return [(KNOWN_DEVICE, _key(KNOWN_DEVICE, str(user.id), device.nonce))]
    return [
        (EMAIL_AND_CLIENT, _key(EMAIL_AND_CLIENT, email, client)),
        (CLIENT, _key(CLIENT, client)),
    ]


def seconds_blocked(keys: list[tuple[Policy, str]], now: datetime | None = None) -> int:
    """How long this login must still wait; 0 if it may proceed."""
    now = now or utcnow()
    rows = db.session.scalars(select(LoginThrottle).where(LoginThrottle.key.in_([key for _, key in keys]))).all()
    waits = [
        (row.blocked_until - now).total_seconds()
        for row in rows
        if row.blocked_until is not None and row.blocked_until > now
    ]
    return int(max(waits, default=0) + 0.999)


def record_failure(keys: list[tuple[Policy, str]], now: datetime | None = None) -> None:
    now = now or utcnow()
    for policy, key in keys:
        statement = (
            upsert(LoginThrottle)
            .values(key=key, failures=1, last_failure_at=now, blocked_until=None)
            .on_conflict_do_update(
                index_elements=["key"],
                set_={
                    "failures": case(
                        (LoginThrottle.last_failure_at < now - policy.forget_after, 1),
                        else_=LoginThrottle.failures + 1,
                    ),
                    "last_failure_at": now,
                },
            )
            .returning(LoginThrottle.failures)
        )
        failures = db.session.execute(statement).scalar_one()
        delay = policy.delay(failures)
        if delay:
            db.session.execute(
                update(LoginThrottle)
                .where(LoginThrottle.key == key)
                .values(blocked_until=now + delay)
                .execution_options(synchronize_session=False)
            )


def record_success(keys: list[tuple[Policy, str]]) -> None:
    """A correct password clears the per-account buckets; the per-client one decays on its own."""
    personal = [key for policy, key in keys if policy is not CLIENT]
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.key.in_(personal)))


def purge(now: datetime | None = None) -> int:
    now = now or utcnow()
    cutoff = now - max(EMAIL_AND_CLIENT.forget_after, CLIENT.forget_after, KNOWN_DEVICE.forget_after)
    return rows_changed(
        delete(LoginThrottle).where(
            LoginThrottle.last_failure_at < cutoff,
            or_(LoginThrottle.blocked_until.is_(None), and_(LoginThrottle.blocked_until < now)),
        )
    )
