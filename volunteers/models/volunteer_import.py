from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db_types import UTCDateTime, utcnow
from ..extensions import Model
from .retention import Retention


class VolunteerImport(Model):
    """An uploaded export of the existing pool, kept between its preview and the import.
    Deleted by `flask tick` a day later."""

    __tablename__ = "volunteer_imports"
    __retention__ = Retention.SHORT_LIVED

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    filename: Mapped[str] = mapped_column(String(120))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    imported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
