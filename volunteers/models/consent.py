from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import UTCDateTime, utcnow
from ..extensions import Model
from .retention import Retention
from .user import User


class Consent(Model):
    """A person's acknowledgement of a text (the data-protection notice), with its version."""

    __tablename__ = "consents"
    __retention__ = Retention.ACCOUNT

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: What was agreed to, e.g. "privacy_notice".
    kind: Mapped[str] = mapped_column(String(32))
    #: Version of that text at the time (see services/privacy.py).
    version: Mapped[str] = mapped_column(String(32))
    given_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()
