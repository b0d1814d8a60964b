from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db_types import UTCDateTime
from ..extensions import db
from .retention import Retention


class LoginThrottle(db.Model):
    """Failed logins per (email, client) and per client, as a keyed hash: no address stored."""

    __tablename__ = "login_throttles"
    __retention__ = Retention.SHORT_LIVED

    #: HMAC of the throttled subject (see services/throttle.py).
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
