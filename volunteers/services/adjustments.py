"""Corrections after closing: a settled assignment is never edited; a coordinator's corrected
figures become an adjustment line (the differences to what was settled, earlier adjustments
included) in the first month after its own that is not closed, opened for it if needed."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..clock import local
from ..db_types import utcnow
from ..extensions import db
from ..models import AdjustmentLine, Assignment, SettlementMonth, User
from ..models.enums import Actor, AssignmentState, MonthState
from . import ServiceError, assignments, audit, compensation, transitions
from .limits import Worked, amount_cents
from .settlement import create_month, month_or_none, next_month
from .transitions import By


def month_for_adjustment(coordinator: User, settled: date) -> SettlementMonth:
    """The first month after `settled` that is not closed; opened if it has no row yet."""
    closed_after = set(
        db.session.scalars(
            select(SettlementMonth.month).where(
                SettlementMonth.month > settled, SettlementMonth.state == MonthState.CLOSED
            )
        )
    )
    month = next_month(settled)
    while month in closed_after:
        month = next_month(month)
    return month_or_none(month) or create_month(coordinator, month)


def adjust(coordinator: User, assignment: Assignment, values: dict[str, Any], reason: str) -> AdjustmentLine:
    """A coordinator's correction of a settled assignment: the differences between the corrected
    figures (`values`, checked as a report is) and what was settled (earlier adjustments
    included) become a line in the next open month. The settled figures stay as they are."""
    if assignment.state is not AssignmentState.SETTLED:
        raise ServiceError(_l("Only a settled assignment is adjusted."))
    settled = assignment.settled_month or local(assignment.appointment_at).date().replace(day=1)
    earlier = db.session.execute(
        select(
            func.coalesce(func.sum(AdjustmentLine.minutes_difference), 0),
            func.coalesce(func.sum(AdjustmentLine.km_difference), 0),
            func.coalesce(func.sum(AdjustmentLine.cents_difference), 0),
        ).where(AdjustmentLine.assignment_id == assignment.id)
    ).one()
    went = values["outcome"].volunteer_went
    minutes = (values["duration_minutes"] or 0) if went else 0
    km = (values["travel_km"] or 0) if went else 0
    worked = Worked(day=compensation.worked(assignment).day, minutes=minutes, km=km, went=went)
    cents = amount_cents(compensation.rules(assignment.profile.programme), worked)
    differences = (
        minutes - (assignment.duration_minutes or 0) - int(earlier[0]),
        km - (assignment.travel_km or 0) - int(earlier[1]),
        cents - (assignment.amount_cents or 0) - int(earlier[2]),
    )
    if not any(differences):
        raise ServiceError(_l("Nothing was changed."))
    target = month_for_adjustment(coordinator, settled)
    line = AdjustmentLine(
        assignment=assignment,
        month=target.month,
        minutes_difference=differences[0],
        km_difference=differences[1],
        cents_difference=differences[2],
        reason=reason,
        created_by=coordinator,
        created_at=utcnow(),
    )
    db.session.add(line)
    transitions.history(
        assignment.request,
        By(Actor.COORDINATOR, coordinator),
        assignment.state,
        assignment.state,
        offer=assignment.offer,
        reason=reason,
        note=f"adjustment {target.month.isoformat()[:7]}",
        changed=["adjustment"],
        assignment=True,
    )
    audit.record(
        "assignment.adjusted",
        actor=coordinator,
        subject=assignment.profile.user,
        assignment=assignment.id,
        month=target.month.isoformat(),
        minutes=differences[0],
        km=differences[1],
        cents=differences[2],
    )
    return line


def correct_settled(
    coordinator: User,
    assignment: Assignment,
    figures: assignments.Report,
    reason: str | None,
    expected_version: int | None = None,
) -> AdjustmentLine:
    """The correction form's path for a settled assignment: checked as any correction is
    (version, reason, figures), then an adjustment line instead of an edit."""
    if expected_version is not None and expected_version != assignment.version:
        raise ServiceError(assignments.STALE, "version")
    text = assignments.reason_text(reason)
    return adjust(coordinator, assignment, assignments.checked_figures(assignment, figures), text)


__all__ = ["adjust", "correct_settled", "month_for_adjustment"]
