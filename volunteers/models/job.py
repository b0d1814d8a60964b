from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db_types import UTCDateTime
from ..extensions import Model
from .retention import Retention


class JobState(Model):
    """Bookkeeping for one scheduled job of `flask tick`."""

    __tablename__ = "job_states"
    __retention__ = Retention.REFERENCE

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: The job is due once this time has passed; claimed by a conditional UPDATE.
    next_run_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    run_count: Mapped[int] = mapped_column(Integer, default=0)
