"""The funding rules against the database: an assignment's amount under the rule of its day
(a new rule leaves it alone), a volunteer's hours and payments in a week and a year, and the
funded assignments per client."""

from __future__ import annotations

from datetime import UTC, date, timedelta

from tests import factories
from volunteers.clock import today
from volunteers.extensions import db
from volunteers.models import CompensationRule
from volunteers.models.enums import Actor, Mode, Outcome, Programme, TaxAllowance
from volunteers.services import assignments, compensation, offers
from volunteers.services.assignments import Report
from volunteers.services.limits import LimitKind
from volunteers.services.transitions import By


def _report(assignment, minutes: int = 90, km: int | None = None) -> None:
    km = assignments.straight_km(assignment) if km is None else km
    assignments.report(
        By(Actor.VOLUNTEER, assignment.profile.user),
        assignment,
        Report(Outcome.TOOK_PLACE, assignment.appointment_at, minutes, km),
    )
    db.session.commit()


def test_the_seeded_county_rules_pay_lay_interpreting_per_assignment_and_kilometre(ctx):
    _, _, _, assignment = factories.ended_assignment()
    _report(assignment, km=46)
    assert assignment.amount_cents == 2000 + 46 * 30


def test_a_new_rule_applies_from_its_day_and_leaves_what_was_paid_before(ctx):
    _, centre, _, assignment = factories.ended_assignment()
    _report(assignment, km=10)
    paid = assignment.amount_cents
    db.session.add(
        CompensationRule(
            programme=Programme.PER_ASSIGNMENT,
            effective_from=today() + timedelta(days=1),
            per_assignment_cents=2500,
            per_km_cents=35,
        )
    )
    db.session.commit()
    assignments.correct(centre, assignment, Report(Outcome.TOOK_PLACE, assignment.appointment_at, 95, 10), "typo")
    db.session.commit()
    assert assignment.amount_cents == paid  # still the rule of its day


def test_lotsen_are_paid_by_the_hour_and_their_hours_count_against_the_week(ctx):
    _, _, person, assignment = factories.ended_assignment(mode=Mode.PHONE)
    person.profile.programme = Programme.LOTSE
    db.session.commit()
    _report(assignment, minutes=150)
    assert assignment.amount_cents == 1250  # 2.5 h at 5 EUR, no kilometres by phone
    day = compensation.day_of(assignment.appointment_at)  # the day in Kassel, not in UTC
    totals = compensation.totals(person.profile, day, compensation.rules(Programme.LOTSE))
    assert (totals.week_hours, totals.year_hours, totals.year_paid_cents) == (2.5, 2.5, 1250)


def test_an_offer_that_would_pass_the_weekly_hours_is_flagged(ctx):
    _staff, organisation = factories.organisation_user()
    centre = factories.coordinator()
    person = factories.available_volunteer()
    person.profile.programme = Programme.LOTSE
    db.session.commit()
    monday = factories.next_weekday(0, 9, weeks=2)
    taken = [
        factories.support_request(
            organisation, starts_at=monday + timedelta(days=n), duration_minutes=120, client_reference=f"K-{n}"
        )
        for n in range(3)
    ]
    for record in taken:
        (offer,) = offers.make_offers(centre, record, [person.profile.id])
        offers.answer_in_portal(person, offer, accept=True)
    db.session.commit()
    fourth = factories.support_request(organisation, starts_at=monday + timedelta(days=3), duration_minutes=60)
    assert [c.kind for c in compensation.would_cross(person.profile, fourth)] == [LimitKind.WEEKLY_HOURS]
    next_week = factories.support_request(organisation, starts_at=monday + timedelta(days=7), duration_minutes=60)
    assert compensation.would_cross(person.profile, next_week) == []


def test_the_allowance_counts_what_was_paid_in_the_year(ctx):
    _, _, person, assignment = factories.ended_assignment()
    _report(assignment, km=0)
    day = compensation.day_of(assignment.appointment_at)  # the day in Kassel, not in UTC
    paid = compensation.totals(person.profile, day, compensation.rules(Programme.PER_ASSIGNMENT)).year_paid_cents
    assert paid == 2000
    assert compensation.ALLOWANCE_CENTS[TaxAllowance.VOLUNTEER] == 96000
    assert compensation.totals(person.profile, date(day.year - 1, 6, 1), []).year_paid_cents == 0


def test_the_allowance_counts_the_adjustment_lines_of_the_year(ctx):
    from volunteers.models import AdjustmentLine, SettlementMonth
    from volunteers.models.enums import MonthState

    _, _, person, assignment = factories.ended_assignment()
    _report(assignment, km=0)
    day = compensation.day_of(assignment.appointment_at)  # the day in Kassel, not in UTC
    carried_into = date(day.year, 12, 1)
    db.session.add(SettlementMonth(month=carried_into, state=MonthState.OPEN))
    db.session.flush()
    db.session.add(
        AdjustmentLine(
            assignment_id=assignment.id, month=carried_into, minutes_difference=30, cents_difference=450, reason="x"
        )
    )
    db.session.commit()
    rules = compensation.rules(Programme.PER_ASSIGNMENT)
    totals = compensation.totals(person.profile, day, rules)
    assert (totals.year_paid_cents, totals.year_hours) == (2450, (assignment.duration_minutes + 30) / 60)
    assert compensation.totals(person.profile, date(day.year + 1, 1, 2), rules).year_paid_cents == 0


def test_the_sixth_funded_assignment_of_a_client_in_a_year_is_flagged_unless_excepted(ctx):
    """The client reference counts without case and spaces; the year is the appointment's."""
    _staff, organisation = factories.organisation_user()
    centre = factories.coordinator()
    people = [factories.available_volunteer() for _ in range(6)]
    year = today().year + 1
    spellings = ["K 2026-17", "k 2026-17", "K2026-17", "K 2026-17 ", "k2026-17"]
    for week, (person, reference) in enumerate(zip(people[:5], spellings, strict=True)):
        record = factories.support_request(organisation, client_reference=reference, starts_at=_tuesday(year, 3 + week))
        (offer,) = offers.make_offers(centre, record, [person.profile.id])
        offers.answer_in_portal(person, offer, accept=True)
    db.session.commit()
    sixth = factories.support_request(organisation, client_reference="K 2026-17", starts_at=_tuesday(year, 20))
    assert compensation.client_assignments(sixth) == 5
    assert [c.kind for c in compensation.would_cross(people[5].profile, sixth)] == [LimitKind.CLIENT_CAP]
    next_year = factories.support_request(organisation, client_reference="K 2026-17", starts_at=_tuesday(year + 1, 3))
    assert compensation.client_assignments(next_year) == 0
    sixth.cap_exception_reason = "Approved by the ministry on request"
    assert compensation.would_cross(people[5].profile, sixth) == []


def _tuesday(year: int, week: int):
    from datetime import datetime

    from volunteers.clock import BERLIN

    day = date.fromisocalendar(year, week, 2)
    return datetime(day.year, day.month, day.day, 9, tzinfo=BERLIN).astimezone(UTC)
