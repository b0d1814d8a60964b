"""What volunteers are paid: a rule per programme from the day it applies. A rule in force is
never changed (past assignments keep the rule of their day): a change is a new rule from a
later day."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import UTCDateTime, str_enum, utcnow
from ..extensions import Model
from .enums import Programme
from .retention import Retention
from .user import User


class CompensationRule(Model):
    __tablename__ = "compensation_rules"
    __retention__ = Retention.REFERENCE
    __table_args__ = (
        UniqueConstraint("programme", "effective_from", name="one_rule_per_day"),
        CheckConstraint(
            "per_assignment_cents >= 0 AND per_hour_cents >= 0 AND per_km_cents >= 0", name="amounts_not_negative"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme: Mapped[Programme] = mapped_column(str_enum(Programme, "compensation_programme"))
    effective_from: Mapped[date] = mapped_column(Date)
    per_assignment_cents: Mapped[int] = mapped_column(Integer, default=0)
    per_hour_cents: Mapped[int] = mapped_column(Integer, default=0)
    #: Travel on site, per kilometre there and back (never by phone or video).
    per_km_cents: Mapped[int] = mapped_column(Integer, default=0)
    #: Hour limits of volunteers paid by the hour, in minutes; None: no limit.
    weekly_minutes: Mapped[int | None] = mapped_column(Integer)
    yearly_minutes: Mapped[int | None] = mapped_column(Integer)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    created_by: Mapped[User | None] = relationship()
