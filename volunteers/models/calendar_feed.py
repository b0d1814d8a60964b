from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import UTCDateTime, utcnow
from ..extensions import Model
from .retention import Retention
from .volunteer import VolunteerProfile


class CalendarFeed(Model):
    """A volunteer's calendar subscription (services/calendar_feeds.py): calendar apps fetch
    the confirmed assignments from a secret address. The address is shown once; only the
    SHA-256 of its token is stored, so a leaked backup opens no feed. One per volunteer:
    renewing replaces the token, turning it off deletes the row."""

    __tablename__ = "calendar_feeds"
    __retention__ = Retention.ACCOUNT

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("volunteer_profiles.id", ondelete="CASCADE"), unique=True)
    #: SHA-256 (hex) of the token in the address.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: When the current address was made (turned on, or renewed).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The last time a calendar app fetched it; None until the first.
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    profile: Mapped[VolunteerProfile] = relationship()
