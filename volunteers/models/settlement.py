"""The monthly settlement (services/settlement.py): a month that coordinators open, check and
close, and the adjustment lines that carry a correction of an already settled assignment into a
later open month (a closed month is never edited)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import UTCDateTime, str_enum, utcnow
from ..extensions import Model
from .assignment import Assignment
from .enums import MonthState
from .retention import Retention
from .user import User


class SettlementMonth(Model):
    """One calendar month (Europe/Berlin) of the settlement, named by its first day."""

    __tablename__ = "settlement_months"
    __retention__ = Retention.SETTLEMENT

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The month's first day; one row per month.
    month: Mapped[date] = mapped_column(Date, unique=True)
    state: Mapped[MonthState] = mapped_column(str_enum(MonthState, "settlement_month_state"), default=MonthState.OPEN)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Raised on every change: a close sent from an older page, or a second close, is refused.
    version: Mapped[int] = mapped_column(Integer, default=1)

    opened_by: Mapped[User | None] = relationship(foreign_keys=[opened_by_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])

    @property
    def is_open(self) -> bool:
        return self.state is MonthState.OPEN


class AdjustmentLine(Model):
    """A correction of a settled assignment, paid (or taken back) in a later month: the
    differences to what was settled, never a change of the settled figures."""

    __tablename__ = "adjustment_lines"
    __retention__ = Retention.SETTLEMENT
    __table_args__ = (
        # A month's lines per volunteer; an assignment's earlier adjustments.
        Index("ix_adjustment_lines_month_assignment", "month", "assignment_id"),
        CheckConstraint(
            "minutes_difference <> 0 OR km_difference <> 0 OR cents_difference <> 0", name="something_differs"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"), index=True)
    #: The settlement month (its first day) that pays the difference.
    month: Mapped[date] = mapped_column(ForeignKey("settlement_months.month", ondelete="CASCADE"))
    #: Corrected minus settled (earlier adjustments included): minutes worked, km, cents paid.
    minutes_difference: Mapped[int] = mapped_column(Integer, default=0)
    km_difference: Mapped[int] = mapped_column(Integer, default=0)
    cents_difference: Mapped[int] = mapped_column(Integer, default=0)
    reason: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    assignment: Mapped[Assignment] = relationship()
    created_by: Mapped[User | None] = relationship()
