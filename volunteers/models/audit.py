from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import UTCDateTime, utcnow
from ..extensions import Model
from .organisation import Organisation
from .retention import Retention
from .user import User


class AuditEvent(Model):
    """Who did what to whom, and when. Append-only; holds ids, never passwords or tokens."""

    __tablename__ = "audit_events"
    __retention__ = Retention.AUDIT

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: Who acted; None for the system or an anonymous visitor.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    #: What happened, e.g. "organisation.approved" (see services/audit.py).
    action: Mapped[str] = mapped_column(String(64), index=True)
    #: The account the action concerned, if any.
    subject_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"), index=True)
    #: Small non-personal details, e.g. {"role": "coordinator"}.
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    subject_user: Mapped[User | None] = relationship(foreign_keys=[subject_user_id])
    organisation: Mapped[Organisation | None] = relationship()
