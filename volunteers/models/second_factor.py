from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import UTCDateTime, utcnow
from ..extensions import Model
from .retention import Retention
from .user import User


class RecoveryCode(Model):
    """A single-use code that logs in instead of the authenticator app (a lost phone).
    Shown once; only its keyed hash is stored."""

    __tablename__ = "recovery_codes"
    __retention__ = Retention.ACCOUNT

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: HMAC-SHA256 of the code under the app's secret key (services/second_factor.py).
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Set once, by a conditional UPDATE, when the code is used.
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
