"""Login throttling with a growing delay, per (email, client) and per client.

Unknown and known addresses are treated alike, so the delay reveals nothing. A stranger
cannot lock a coordinator out: the (email, client) key includes the stranger's own client,
and every delay is capped. Keys are HMACs of the address and client, never the values.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, delete, or_, select

from ..db_types import utcnow
from ..extensions import db
from ..models import LoginThrottle


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


def _key(policy: Policy, *parts: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(secret, "\x00".join(parts).encode(), hashlib.sha256).hexdigest()
    return f"{policy.prefix}:{digest}"


def _keys(email: str, client: str) -> list[tuple[Policy, str]]:
    return [
        (EMAIL_AND_CLIENT, _key(EMAIL_AND_CLIENT, email, client)),
        (CLIENT, _key(CLIENT, client)),
    ]


def seconds_blocked(email: str, client: str, now: datetime | None = None) -> int:
    """How long this login must still wait; 0 if it may proceed."""
    now = now or utcnow()
    keys = [key for _, key in _keys(email, client)]
    rows = db.session.scalars(select(LoginThrottle).where(LoginThrottle.key.in_(keys))).all()
    waits = [
        (row.blocked_until - now).total_seconds()
        for row in rows
        if row.blocked_until is not None and row.blocked_until > now
    ]
    return int(max(waits, default=0) + 0.999)


def record_failure(email: str, client: str, now: datetime | None = None) -> None:
    now = now or utcnow()
    for policy, key in _keys(email, client):
        row = db.session.get(LoginThrottle, key)
        if row is None:
            row = LoginThrottle(key=key, failures=0, last_failure_at=now)
            db.session.add(row)
        elif now - row.last_failure_at > policy.forget_after:
            row.failures = 0
        row.failures += 1
        row.last_failure_at = now
        delay = policy.delay(row.failures)
        row.blocked_until = now + delay if delay else None


def record_success(email: str, client: str) -> None:
    """A correct password clears the (email, client) count; the client count decays on its own."""
    key = _key(EMAIL_AND_CLIENT, email, client)
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.key == key))


def purge(now: datetime | None = None) -> int:
    now = now or utcnow()
    cutoff = now - max(EMAIL_AND_CLIENT.forget_after, CLIENT.forget_after)
    result = db.session.execute(
        delete(LoginThrottle).where(
            LoginThrottle.last_failure_at < cutoff,
            or_(LoginThrottle.blocked_until.is_(None), and_(LoginThrottle.blocked_until < now)),
        )
    )
    return result.rowcount or 0
