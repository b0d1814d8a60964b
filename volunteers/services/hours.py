"""A volunteer's hours, kilometres and payments per settlement month, summed in the database.

The rule agreed for every page that counts months (the settlement's too): an assignment belongs
to `Assignment.settled_month` when that is set (its month was closed, or a coordinator moved it
to a later month), otherwise to the Europe/Berlin calendar month of its `appointment_at`. Only
assignments whose volunteer went and whose state is confirmed or settled are paid lines;
reported and disputed ones are "not yet confirmed"."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import ColumnElement, Date, and_, case, func, literal, select

from ..extensions import db
from ..models import AdjustmentLine, Assignment, Place, SupportRequest, VolunteerProfile
from ..models.enums import AssignmentState, Mode, Outcome, Programme
from . import compensation
from .limits import rule_on
from .settlement import bounds, in_month, in_months, next_month

PAID_STATES = (AssignmentState.CONFIRMED, AssignmentState.SETTLED)
UNCONFIRMED_STATES = (AssignmentState.REPORTED, AssignmentState.DISPUTED)
#: Programmes paid by the hour, whose hours count against the limits of their rule.
HOURLY = (Programme.LOTSE, Programme.COORDINATING_LOTSE)


def in_year(year: int) -> ColumnElement[bool]:
    """Assignments of the settlement months of `year` (the rule of services/settlement.py)."""
    return in_months(date(year, 1, 1), date(year, 12, 1))


def _start(month: date) -> datetime:
    return bounds(month)[0]


def _month_of_year(year: int) -> ColumnElement[date]:
    """The settlement month of each assignment of `year` as an SQL expression (one CASE)."""
    months = [date(year, number, 1) for number in range(1, 13)]
    return case(
        (Assignment.settled_month.is_not(None), Assignment.settled_month),
        *[
            (
                and_(Assignment.appointment_at >= _start(month), Assignment.appointment_at < _start(next_month(month))),
                literal(month, Date),
            )
            for month in months
        ],
    )


def _went() -> ColumnElement[bool]:
    return Assignment.outcome.in_([outcome for outcome in Outcome if outcome.volunteer_went])


def _km() -> ColumnElement[int]:
    """Kilometres count on site only (never by phone or video)."""
    return case((SupportRequest.mode == Mode.ON_SITE, func.coalesce(Assignment.travel_km, 0)), else_=0)


@dataclass
class Figures:
    """Assignments, minutes, kilometres and cents of a month or a year."""

    assignments: int = 0
    minutes: int = 0
    km: int = 0
    cents: int = 0

    @property
    def hours(self) -> float:
        return self.minutes / 60

    def add(self, other: Figures) -> None:
        self.assignments += other.assignments
        self.minutes += other.minutes
        self.km += other.km
        self.cents += other.cents


@dataclass
class Month:
    month: date
    paid: Figures = field(default_factory=Figures)
    unconfirmed: Figures = field(default_factory=Figures)


@dataclass
class Limit:
    """A yearly limit and how much of it is used (hours or cents)."""

    used: float
    limit: float

    @property
    def left(self) -> float:
        return max(self.limit - self.used, 0)

    @property
    def crossed(self) -> bool:
        return self.used > self.limit


@dataclass
class Year:
    year: int
    months: list[Month]
    paid: Figures
    unconfirmed: Figures
    allowance: Limit
    #: The yearly hour limit of the rule in force (Lotsen only), and the weekly one to name.
    hours: Limit | None = None
    weekly_hours: float | None = None


def _month_number(value: object) -> int:
    """A month read back from SQL: a date, or its ISO text where SQLite gives one."""
    return value.month if isinstance(value, date) else date.fromisoformat(str(value)).month


def _adjustments_of_year(profile: VolunteerProfile, year: int) -> list:
    """The settlement's adjustment lines of the volunteer, summed per month of `year`: a
    correction of a closed month is paid (or taken back) in the month it was carried into."""
    return list(
        db.session.execute(
            select(
                AdjustmentLine.month,
                func.sum(AdjustmentLine.minutes_difference),
                func.sum(AdjustmentLine.km_difference),
                func.sum(AdjustmentLine.cents_difference),
            )
            .join(Assignment, Assignment.id == AdjustmentLine.assignment_id)
            .where(
                Assignment.profile_id == profile.id,
                AdjustmentLine.month >= date(year, 1, 1),
                AdjustmentLine.month < date(year + 1, 1, 1),
            )
            .group_by(AdjustmentLine.month)
        )
    )


def year_of(profile: VolunteerProfile, year: int, today: date) -> Year:
    """The volunteer's figures per month of `year` (one grouped query, and one for the
    adjustment lines) and the year's totals
    against the limits: the yearly hours of the rule in force on the year's last day or today,
    whichever is earlier, and the tax-free allowance."""
    paid = and_(Assignment.state.in_(PAID_STATES), _went())
    # The month and the paid-or-not group are computed in a subquery and grouped outside it:
    # PostgreSQL does not see two copies of an expression with bound dates as the same.
    grouped = (
        select(
            _month_of_year(year).label("month"),
            case((paid, literal(1)), else_=literal(0)).label("paid"),
            Assignment.id.label("id"),
            Assignment.duration_minutes.label("minutes"),
            _km().label("km"),
            Assignment.amount_cents.label("cents"),
        )
        .join(SupportRequest, SupportRequest.id == Assignment.request_id)
        .where(
            Assignment.profile_id == profile.id,
            in_year(year),
            _went(),
            Assignment.state.in_(PAID_STATES + UNCONFIRMED_STATES),
        )
        .subquery()
    )
    rows = db.session.execute(
        select(
            grouped.c.month,
            grouped.c.paid,
            func.count(grouped.c.id),
            func.coalesce(func.sum(grouped.c.minutes), 0),
            func.coalesce(func.sum(grouped.c.km), 0),
            func.coalesce(func.sum(grouped.c.cents), 0),
        ).group_by(grouped.c.month, grouped.c.paid)
    ).all()
    months = {number: Month(date(year, number, 1)) for number in range(1, 13)}
    for row_month, row_paid, count, minutes, km, cents in rows:
        figures = Figures(int(count), int(minutes), int(km), int(cents))
        target = months[_month_number(row_month)]
        (target.paid if row_paid else target.unconfirmed).add(figures)
    for adjusted_month, minutes, km, cents in _adjustments_of_year(profile, year):
        months[_month_number(adjusted_month)].paid.add(Figures(0, int(minutes), int(km), int(cents)))
    totals, unconfirmed = Figures(), Figures()
    for each in months.values():
        totals.add(each.paid)
        unconfirmed.add(each.unconfirmed)
    allowance = Limit(used=totals.cents, limit=compensation.ALLOWANCE_CENTS[profile.tax_allowance])
    result = Year(year, list(months.values()), totals, unconfirmed, allowance)
    if profile.programme in HOURLY:
        rule = rule_on(compensation.rules(profile.programme), min(date(year, 12, 31), today))
        if rule is not None and rule.yearly_hours is not None:
            result.hours = Limit(used=totals.hours, limit=rule.yearly_hours)
            result.weekly_hours = rule.weekly_hours
    return result


@dataclass(frozen=True)
class Line:
    """One paid assignment of a month, as an hour sheet lists it: never the topic or the client."""

    day: datetime
    place: str | None
    mode: Mode
    minutes: int
    km: int
    cents: int


def paid_lines(profile: VolunteerProfile, month: date) -> list[Line]:
    """The month's paid assignments, oldest first, with the municipality of each (one query)."""
    rows = db.session.execute(
        select(
            Assignment.appointment_at,
            Place.name,
            SupportRequest.mode,
            func.coalesce(Assignment.duration_minutes, 0),
            _km(),
            func.coalesce(Assignment.amount_cents, 0),
        )
        .join(SupportRequest, SupportRequest.id == Assignment.request_id)
        .outerjoin(Place, Place.id == SupportRequest.place_id)
        .where(
            Assignment.profile_id == profile.id,
            in_month(month),
            _went(),
            Assignment.state.in_(PAID_STATES),
        )
        .order_by(Assignment.appointment_at, Assignment.id)
    ).all()
    return [Line(at, place, mode, int(minutes), int(km), int(cents)) for at, place, mode, minutes, km, cents in rows]


def unconfirmed_count(profile: VolunteerProfile, month: date) -> int:
    return (
        db.session.scalar(
            select(func.count(Assignment.id)).where(
                Assignment.profile_id == profile.id,
                in_month(month),
                _went(),
                Assignment.state.in_(UNCONFIRMED_STATES),
            )
        )
        or 0
    )


__all__ = [
    "Figures",
    "Limit",
    "Line",
    "Month",
    "Year",
    "in_month",
    "in_year",
    "next_month",
    "paid_lines",
    "unconfirmed_count",
    "year_of",
]
