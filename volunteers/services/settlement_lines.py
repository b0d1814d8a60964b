"""A settlement month's lines per volunteer: the payable assignments, the adjustment lines paid
in the month, and the year's running totals against the limits. The month's page, its
workbook and CSV file, and the hour sheet read their figures from `month_lines` (which month
an assignment belongs to: services/settlement.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Select, Subquery, func, select, union_all
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import AdjustmentLine, Assignment, SupportRequest, User, VolunteerProfile
from . import compensation
from .limits import rule_on
from .settlement import PAYABLE, in_month, in_months, month_parts, next_month


@dataclass
class VolunteerMonth:
    """One volunteer's part of a month: the payable assignments, the adjustments paid in it,
    and the year's running totals up to the month's end against the limits."""

    profile: VolunteerProfile
    assignments: list[Assignment] = field(default_factory=list)
    adjustments: list[AdjustmentLine] = field(default_factory=list)
    year_minutes: int = 0
    year_cents: int = 0
    #: The yearly hour limit of a volunteer paid by the hour (None: no limit).
    yearly_hours: float | None = None
    allowance_cents: int = 0

    @property
    def minutes(self) -> int:
        return sum(a.duration_minutes or 0 for a in self.assignments) + sum(
            line.minutes_difference for line in self.adjustments
        )

    @property
    def km(self) -> int:
        return sum(a.travel_km or 0 for a in self.assignments) + sum(line.km_difference for line in self.adjustments)

    @property
    def assignment_cents(self) -> int:
        return sum(a.amount_cents or 0 for a in self.assignments)

    @property
    def adjustment_cents(self) -> int:
        return sum(line.cents_difference for line in self.adjustments)

    @property
    def cents(self) -> int:
        return self.assignment_cents + self.adjustment_cents

    @property
    def year_hours(self) -> float:
        return self.year_minutes / 60

    @property
    def over_hours(self) -> bool:
        return self.yearly_hours is not None and self.year_hours > self.yearly_hours

    @property
    def over_allowance(self) -> bool:
        return self.year_cents > self.allowance_cents


def _profiles_of(month: date) -> Subquery:
    """The ids of the volunteers with a payable assignment or an adjustment in the month."""
    moved_in, of_the_month = month_parts(month)
    return union_all(
        select(Assignment.profile_id.label("profile_id")).where(moved_in, Assignment.state.in_(PAYABLE)),
        select(Assignment.profile_id.label("profile_id")).where(of_the_month, Assignment.state.in_(PAYABLE)),
        select(Assignment.profile_id.label("profile_id"))
        .join(AdjustmentLine, AdjustmentLine.assignment_id == Assignment.id)
        .where(AdjustmentLine.month == month),
    ).subquery()


def volunteers_listing(month: date) -> Select[VolunteerProfile]:
    """The month's volunteers, by name (for the paginated page; the export takes them all)."""
    ids = select(_profiles_of(month).c.profile_id).distinct()
    return (
        select(VolunteerProfile)
        .join(User, User.id == VolunteerProfile.user_id)
        .where(VolunteerProfile.id.in_(ids))
        .options(selectinload(VolunteerProfile.user))
        .order_by(User.family_name, User.given_name, VolunteerProfile.id)
    )


def month_lines(month: date, profiles: Sequence[VolunteerProfile]) -> list[VolunteerMonth]:
    """The month's lines of each volunteer in `profiles`, in their order: the payable
    assignments (by appointment), the adjustments paid in the month, and the year's totals
    (four queries, whatever the number of volunteers). The page, the exports and the hour
    sheet all read their figures from here."""
    by_id = {profile.id: VolunteerMonth(profile) for profile in profiles}
    if not by_id:
        return []
    ids = list(by_id)
    for assignment in db.session.scalars(
        select(Assignment)
        .where(Assignment.profile_id.in_(ids), in_month(month), Assignment.state.in_(PAYABLE))
        .options(selectinload(Assignment.request).selectinload(SupportRequest.place))
        .order_by(Assignment.appointment_at, Assignment.id)
    ):
        by_id[assignment.profile_id].assignments.append(assignment)
    for line in db.session.scalars(
        select(AdjustmentLine)
        .join(Assignment, Assignment.id == AdjustmentLine.assignment_id)
        .where(AdjustmentLine.month == month, Assignment.profile_id.in_(ids))
        .options(selectinload(AdjustmentLine.assignment))
        .order_by(AdjustmentLine.created_at, AdjustmentLine.id)
    ):
        by_id[line.assignment.profile_id].adjustments.append(line)
    _year_totals(month, by_id)
    return list(by_id.values())


def _year_totals(month: date, by_id: dict[int, VolunteerMonth]) -> None:
    """The year's payable minutes and cents up to the month's end (adjustments included), and
    each volunteer's limits: the hours from the compensation rule of the month's last day, the
    tax-free allowance they declared."""
    january = date(month.year, 1, 1)
    parts = union_all(
        select(
            Assignment.profile_id.label("profile_id"),
            func.coalesce(Assignment.duration_minutes, 0).label("minutes"),
            func.coalesce(Assignment.amount_cents, 0).label("cents"),
        ).where(Assignment.profile_id.in_(by_id), in_months(january, month), Assignment.state.in_(PAYABLE)),
        select(
            Assignment.profile_id.label("profile_id"),
            AdjustmentLine.minutes_difference.label("minutes"),
            AdjustmentLine.cents_difference.label("cents"),
        )
        .join(Assignment, Assignment.id == AdjustmentLine.assignment_id)
        .where(Assignment.profile_id.in_(by_id), AdjustmentLine.month >= january, AdjustmentLine.month <= month),
    ).subquery()
    for profile_id, minutes, cents in db.session.execute(
        select(parts.c.profile_id, func.sum(parts.c.minutes), func.sum(parts.c.cents)).group_by(parts.c.profile_id)
    ):
        by_id[profile_id].year_minutes = int(minutes or 0)
        by_id[profile_id].year_cents = int(cents or 0)
    last_day = date.fromordinal(next_month(month).toordinal() - 1)
    rules: dict[Any, Any] = {}
    for line in by_id.values():
        programme = line.profile.programme
        if programme not in rules:
            rules[programme] = rule_on(compensation.rules(programme), last_day)
        rule = rules[programme]
        line.yearly_hours = rule.yearly_hours if rule is not None else None
        line.allowance_cents = compensation.ALLOWANCE_CENTS[line.profile.tax_allowance]


def month_total_cents(month: date) -> int:
    """What the whole month pays: its payable assignments and its adjustment lines (one query)."""
    parts = union_all(
        *(
            select(Assignment.amount_cents.label("cents")).where(part, Assignment.state.in_(PAYABLE))
            for part in month_parts(month)
        )
    ).subquery()
    assignments = select(func.coalesce(func.sum(parts.c.cents), 0))
    adjusted = select(func.coalesce(func.sum(AdjustmentLine.cents_difference), 0)).where(AdjustmentLine.month == month)
    paid, corrected = db.session.execute(select(assignments.scalar_subquery(), adjusted.scalar_subquery())).one()
    return int(paid or 0) + int(corrected or 0)


def volunteer_month(month: date, profile: VolunteerProfile) -> VolunteerMonth:
    """One volunteer's lines of the month (the hour sheet's figures)."""
    return month_lines(month, [profile])[0]


__all__ = ["VolunteerMonth", "month_lines", "month_total_cents", "volunteer_month", "volunteers_listing"]
