from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import UTCDateTime, utcnow
from ..extensions import Model
from .retention import Retention
from .user import User


class OrganisationChange(Model):
    """One field of an organisation's details changed: who, when, from what to what. The values
    are kept as they read then (a place's or a contact person's name), so the history stays
    true when those change later."""

    __tablename__ = "organisation_changes"
    __retention__ = Retention.ORGANISATION
    __table_args__ = (Index("ix_organisation_changes_organisation_changed", "organisation_id", "changed_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Who changed it: an administrator of the organisation or a coordinator.
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: Which detail, e.g. "street" (services/organisation_details.py names them).
    field: Mapped[str] = mapped_column(String(32))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)

    changed_by: Mapped[User | None] = relationship()
