"""The funding rules against the database: the compensation rules of a programme, what an
assignment is paid, and what counts against a volunteer's limits and a client's cap when one
more assignment is weighed (the arithmetic is in services/limits.py)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import and_, func, select

from ..clock import BERLIN
from ..extensions import db
from ..models import AdjustmentLine, Assignment, CompensationRule, Offer, SupportRequest, VolunteerProfile
from ..models.enums import Mode, OfferState, Outcome, Programme, TaxAllowance
from .id_lists import among
from .limits import Crossing, Limits, Rule, Totals, Worked, amount_cents, crossings, rule_on

#: The yearly tax-free allowances from 2026 (§ 3 Nr. 26a and 26 EStG), in cents.
ALLOWANCE_CENTS = {TaxAllowance.VOLUNTEER: 96_000, TaxAllowance.INSTRUCTOR: 330_000}


def _rule(row: CompensationRule) -> Rule:
    return Rule(
        effective_from=row.effective_from,
        per_assignment_cents=row.per_assignment_cents,
        per_hour_cents=row.per_hour_cents,
        per_km_cents=row.per_km_cents,
        weekly_hours=row.weekly_minutes / 60 if row.weekly_minutes is not None else None,
        yearly_hours=row.yearly_minutes / 60 if row.yearly_minutes is not None else None,
    )


def rules(programme: Programme) -> list[Rule]:
    rows = db.session.scalars(select(CompensationRule).where(CompensationRule.programme == programme)).all()
    return [_rule(row) for row in rows]


def day_of(moment: datetime) -> date:
    """The day of a moment in Berlin."""
    return moment.astimezone(BERLIN).date()


def worked(assignment: Assignment) -> Worked:
    went = assignment.outcome is not None and assignment.outcome.volunteer_went
    return Worked(
        day=day_of(assignment.appointment_at),
        minutes=assignment.duration_minutes or 0,
        km=(assignment.travel_km or 0) if assignment.request.mode is Mode.ON_SITE else 0,
        went=went,
    )


def amount_for(assignment: Assignment) -> int:
    """What the reported assignment is paid under the rule of its day."""
    return amount_cents(rules(assignment.profile.programme), worked(assignment))


def _planned(request: SupportRequest) -> Worked:
    """An accepted offer not yet reported, as planned: its duration, no kilometres yet."""
    return Worked(day=day_of(request.starts_at), minutes=request.duration_minutes)


def _between(day: date, days: int) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(), tzinfo=BERLIN)
    return start, start + timedelta(days=days)


def _week(day: date) -> tuple[datetime, datetime]:
    return _between(day - timedelta(days=day.weekday()), 7)


def _year(day: date) -> tuple[datetime, datetime]:
    start = date(day.year, 1, 1)
    return _between(start, (date(day.year + 1, 1, 1) - start).days)


def rules_by_programme() -> dict[Programme, list[Rule]]:
    """Every programme's rules in one query (for a page weighing many volunteers at once)."""
    found: dict[Programme, list[Rule]] = {programme: [] for programme in Programme}
    for row in db.session.scalars(select(CompensationRule)):
        found[row.programme].append(_rule(row))
    return found


def totals(profile: VolunteerProfile, day: date, programme_rules: list[Rule], leave_out: int | None = None) -> Totals:
    """The volunteer's hours in `day`'s week and year and what they were paid in its year:
    reported assignments as reported, accepted offers not yet reported as planned (`leave_out`:
    an offer id not to count, the one being weighed)."""
    return totals_of({profile.id: programme_rules}, day, leave_out)[profile.id]


def totals_of(rules_of: Mapping[int, list[Rule]], day: date, leave_out: int | None = None) -> dict[int, Totals]:
    """`totals` for many volunteers at once (profile id -> the rules of their programme), in three
    queries whatever their number: sums grouped by volunteer. Paid or due: reported assignments
    count as reported (confirmed or not), accepted ones as planned, adjustment lines in their
    month's year."""
    if not rules_of:
        return {}
    ids = list(rules_of)
    (week_from, week_to), (year_from, year_to) = _week(day), _year(day)
    went = Assignment.outcome.in_([outcome for outcome in Outcome if outcome.volunteer_went])
    in_week = and_(Assignment.appointment_at >= week_from, Assignment.appointment_at < week_to)
    done = {
        row.profile_id: row
        for row in db.session.execute(  # three sums, each 0 without rows
            select(
                Assignment.profile_id,
                func.coalesce(func.sum(Assignment.duration_minutes).filter(went, in_week), 0).label("week"),
                func.coalesce(func.sum(Assignment.duration_minutes).filter(went), 0).label("year"),
                func.coalesce(func.sum(Assignment.amount_cents), 0).label("paid"),
            )
            .where(
                among(Assignment.profile_id, ids),
                Assignment.appointment_at >= year_from,
                Assignment.appointment_at < year_to,
            )
            .group_by(Assignment.profile_id)
        )
    }
    pending = db.session.execute(
        select(Offer.profile_id, SupportRequest.starts_at, SupportRequest.duration_minutes)
        .join(Offer, Offer.request_id == SupportRequest.id)
        .where(
            among(Offer.profile_id, ids),
            Offer.state == OfferState.ACCEPTED,
            Offer.id != (leave_out or 0),
            SupportRequest.starts_at >= year_from,
            SupportRequest.starts_at < year_to,
            ~select(Assignment.id).where(Assignment.offer_id == Offer.id).exists(),
        )
    ).all()
    # Corrections of settled months are paid (or taken back) in the month they are carried into.
    adjusted = {
        row.profile_id: row
        for row in db.session.execute(
            select(
                Assignment.profile_id,
                func.sum(AdjustmentLine.minutes_difference).label("minutes"),
                func.sum(AdjustmentLine.cents_difference).label("cents"),
            )
            .join(Assignment, Assignment.id == AdjustmentLine.assignment_id)
            .where(
                among(Assignment.profile_id, ids),
                AdjustmentLine.month >= year_from.date(),
                AdjustmentLine.month < year_to.date(),
            )
            .group_by(Assignment.profile_id)
        )
    }
    found = {}
    for profile_id in ids:
        row = done.get(profile_id)
        week_minutes, year_minutes, paid = (int(row.week), int(row.year), int(row.paid)) if row else (0, 0, 0)
        if (adjustment := adjusted.get(profile_id)) is not None:
            year_minutes += int(adjustment.minutes or 0)
            paid += int(adjustment.cents or 0)
        for other in (each for each in pending if each.profile_id == profile_id):
            planned = Worked(day=day_of(other.starts_at), minutes=other.duration_minutes)
            week_minutes += planned.minutes if week_from <= other.starts_at < week_to else 0
            year_minutes += planned.minutes
            paid += amount_cents(rules_of[profile_id], planned)
        found[profile_id] = Totals(week_hours=week_minutes / 60, year_hours=year_minutes / 60, year_paid_cents=paid)
    return found


def client_assignments(request: SupportRequest) -> int:
    """Accepted assignments for the same client of the same organisation in the request's year
    (the client reference compared without case and spaces), this request's own included."""
    year_from, year_to = _year(day_of(request.starts_at))
    key = func.lower(func.replace(SupportRequest.client_reference, " ", ""))
    return (
        db.session.scalar(
            select(func.count(Offer.id))
            .join(SupportRequest, SupportRequest.id == Offer.request_id)
            .where(
                Offer.state == OfferState.ACCEPTED,
                SupportRequest.organisation_id == request.organisation_id,
                key == request.client_reference.replace(" ", "").lower(),
                SupportRequest.starts_at >= year_from,
                SupportRequest.starts_at < year_to,
            )
        )
        or 0
    )


def client_cap() -> int:
    return int(current_app.config["FUNDED_ASSIGNMENTS_PER_CLIENT"])


def would_cross(profile: VolunteerProfile, request: SupportRequest, offer_id: int | None = None) -> list[Crossing]:
    """The limits the volunteer taking the request would cross: their hours and allowance, and
    the client's funded assignments (unless a coordinator made an exception for the request)."""
    day = day_of(request.starts_at)
    programme_rules = rules(profile.programme)
    rule = rule_on(programme_rules, day)
    limits = Limits(
        weekly_hours=rule.weekly_hours if rule else None,
        yearly_hours=rule.yearly_hours if rule else None,
        yearly_allowance_cents=ALLOWANCE_CENTS[profile.tax_allowance],
        client_cap=None if request.cap_exception_reason else client_cap(),
    )
    so_far = totals(profile, day, programme_rules, leave_out=offer_id)
    so_far = Totals(so_far.week_hours, so_far.year_hours, so_far.year_paid_cents, client_assignments(request))
    planned = _planned(request)
    return crossings(so_far, limits, planned.hours, amount_cents(programme_rules, planned))


__all__ = [
    "ALLOWANCE_CENTS",
    "amount_for",
    "client_assignments",
    "client_cap",
    "day_of",
    "rules",
    "rules_by_programme",
    "totals",
    "totals_of",
    "worked",
    "would_cross",
]
