from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db_types import UTCDateTime
from ..extensions import Model
from .retention import Retention


class LoginThrottle(Model):
    """Failed logins per (email, client), per client and per known device, as a keyed hash:
    no address stored."""

    __tablename__ = "login_throttles"
    __retention__ = Retention.SHORT_LIVED

    #: HMAC of the throttled subject (see services/throttle.py).
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RateLimitCounter(Model):
    """Requests counted in a fixed window for one subject of a rate limit (a client, an
    account or everyone), under a keyed hash: no address stored (see services/rate_limits.py).
    Also marks a form token as spent, so a submitted form cannot be replayed."""

    __tablename__ = "rate_limits"
    __retention__ = Retention.SHORT_LIVED

    #: "<action>:<subject kind>:<HMAC of the subject>".
    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime)
    count: Mapped[int] = mapped_column(Integer, default=0)
    #: When the window ends; `flask tick` deletes the row after that.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
