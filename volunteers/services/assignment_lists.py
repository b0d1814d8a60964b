"""What coordinators chase after appointments: reports still missing after the volunteer's last
reminder, disputes to resolve, reflection talks volunteers asked for, and reports waiting for
the organisation. Each list is one condition, counted for the overview and listed a page at a
time, read in order from an index (`LIST_INDEXES`; a test checks each on both databases)."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, ScalarSelect, Select, and_, func, select, true
from sqlalchemy.orm import selectinload

from ..models import Assignment, SupportRequest, VolunteerProfile
from ..models.enums import AssignmentState
from .assignments import VOLUNTEER_REMINDER_DAYS


class AssignmentList(enum.Enum):
    """The coordinators' lists of assignments (`/coordinator/assignments?show=`)."""

    MISSING = "missing"
    DISPUTED = "disputed"
    REFLECTION = "reflection"
    REPORTED = "reported"


DEFAULT_LIST = AssignmentList.MISSING

#: The index each list is read from, in its order (oldest appointment first).
LIST_INDEXES = {
    AssignmentList.MISSING: "ix_assignments_state_appointment",
    AssignmentList.DISPUTED: "ix_assignments_state_appointment",
    AssignmentList.REFLECTION: "ix_assignments_reflection_waiting",
    AssignmentList.REPORTED: "ix_assignments_state_appointment",
}


def parse_list(value: str | None) -> AssignmentList:
    try:
        return AssignmentList(value)
    except ValueError:
        return DEFAULT_LIST


def missing_since(now: datetime) -> datetime:
    """Appointments up to this moment whose report is missing were reminded of for the last time."""
    return now - timedelta(days=VOLUNTEER_REMINDER_DAYS[-1])


def condition(which: AssignmentList, now: datetime) -> ColumnElement[bool]:
    """Which assignments a list holds."""
    match which:
        case AssignmentList.MISSING:
            return and_(
                Assignment.state == AssignmentState.AWAITING_REPORT, Assignment.appointment_at <= missing_since(now)
            )
        case AssignmentList.DISPUTED:
            return Assignment.state == AssignmentState.DISPUTED
        case AssignmentList.REFLECTION:
            # As the partial index's condition is written (models/assignment.py).
            return and_(Assignment.wants_reflection_talk == true(), Assignment.reflection_done_at.is_(None))
        case AssignmentList.REPORTED:
            return Assignment.state == AssignmentState.REPORTED
    raise ValueError(which)


def listed(which: AssignmentList, now: datetime) -> Select[Assignment]:
    """The list's assignments, oldest appointment first, with what each row shows."""
    return (
        select(Assignment)
        .where(condition(which, now))
        .options(
            selectinload(Assignment.request).selectinload(SupportRequest.organisation),
            selectinload(Assignment.request).selectinload(SupportRequest.language),
            selectinload(Assignment.profile).selectinload(VolunteerProfile.user),
        )
        .order_by(Assignment.appointment_at, Assignment.id)
    )


def counted(which: AssignmentList, now: datetime) -> ScalarSelect[int]:
    """How many the list holds, as a subquery: the overview asks for all its counts at once."""
    return select(func.count()).select_from(Assignment).where(condition(which, now)).scalar_subquery()


__all__ = ["DEFAULT_LIST", "LIST_INDEXES", "AssignmentList", "condition", "counted", "listed", "parse_list"]
