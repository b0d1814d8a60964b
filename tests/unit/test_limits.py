"""The funding rules as pure functions: amounts under the rule of the assignment's day, and limits
that are never crossed without a coordinator's override."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from volunteers.services.limits import (
    LimitKind,
    Limits,
    Rule,
    Totals,
    Worked,
    amount_cents,
    crossings,
    rule_on,
)

START = date(2026, 1, 1)
LAY_INTERPRETING = Rule(START, per_assignment_cents=2000, per_km_cents=30)
LOTSEN = Rule(START, per_hour_cents=500, weekly_hours=6, yearly_hours=276)

days = st.integers(min_value=0, max_value=729).map(lambda n: START + timedelta(days=n))
rules = st.builds(
    Rule,
    effective_from=days,
    per_assignment_cents=st.integers(0, 5000),
    per_hour_cents=st.integers(0, 2000),
    per_km_cents=st.integers(0, 50),
)
worked = st.builds(Worked, day=days, minutes=st.integers(0, 600), km=st.integers(0, 300), went=st.booleans())


def test_the_county_s_figures():
    assert amount_cents([LAY_INTERPRETING], Worked(date(2026, 3, 2), minutes=90, km=46)) == 2000 + 46 * 30
    assert amount_cents([LOTSEN], Worked(date(2026, 3, 2), minutes=90)) == 750
    assert amount_cents([LOTSEN], Worked(date(2026, 3, 2), minutes=90, went=False)) == 0
    assert amount_cents([LOTSEN], Worked(date(2025, 12, 31), minutes=90)) == 0  # before the first rule


def test_the_rule_of_the_day_applies_from_its_first_day():
    raised = Rule(date(2026, 7, 1), per_assignment_cents=2500)
    assert rule_on([LAY_INTERPRETING, raised], date(2026, 6, 30)) is LAY_INTERPRETING
    assert rule_on([LAY_INTERPRETING, raised], date(2026, 7, 1)) is raised


@given(st.lists(rules, min_size=1, max_size=5), worked, rules)
def test_a_rule_from_a_later_day_never_changes_an_assignment_s_amount(existing, assignment, new_rule):
    before = amount_cents(existing, assignment)
    later = Rule(
        assignment.day + timedelta(days=1 + (new_rule.effective_from - START).days % 30),
        new_rule.per_assignment_cents,
        new_rule.per_hour_cents,
        new_rule.per_km_cents,
    )
    assert amount_cents([*existing, later], assignment) == before


def test_the_lotsen_limits_and_the_allowance_are_crossed_by_what_goes_past_them():
    limits = Limits(weekly_hours=6, yearly_hours=276, yearly_allowance_cents=96000, client_cap=5)
    assert crossings(Totals(week_hours=4.5), limits, 1.5, 750) == []
    crossed = crossings(Totals(week_hours=4.5, year_hours=275, year_paid_cents=95500), limits, 2, 1000)
    assert {c.kind for c in crossed} == {LimitKind.WEEKLY_HOURS, LimitKind.YEARLY_HOURS, LimitKind.TAX_FREE_ALLOWANCE}
    assert [c.kind for c in crossings(Totals(client_assignments=4), limits, 1, 0)] == []
    (cap,) = crossings(Totals(client_assignments=5), limits, 1, 0)
    assert (cap.kind, cap.limit, cap.after) == (LimitKind.CLIENT_CAP, 5, 6)
    # Three 2-hour assignments fill 6 hours exactly: a floating sum must not count as crossing.
    assert crossings(Totals(week_hours=2 / 3 * 3 + 2 + 4 / 3 - 4 / 3), limits, 2, 0) == []


@given(
    st.lists(st.tuples(st.integers(0, 600), st.integers(0, 3000), st.booleans()), max_size=60),
    st.integers(60, 600),
    st.integers(0, 100000),
)
def test_sums_never_exceed_a_limit_without_an_override(proposals, weekly_minutes, allowance_cents):
    """Assignments are taken one after another when they cross nothing, or when a coordinator
    overrides; without an override no total ever goes past its limit."""
    limits = Limits(weekly_hours=weekly_minutes / 60, yearly_allowance_cents=allowance_cents, client_cap=5)
    totals = Totals()
    overridden = False
    for minutes, cents, override in proposals:
        crossed = crossings(totals, limits, minutes / 60, cents)
        if crossed and not override:
            continue
        overridden |= bool(crossed)
        totals = Totals(
            week_hours=totals.week_hours + minutes / 60,
            year_paid_cents=totals.year_paid_cents + cents,
            client_assignments=totals.client_assignments + 1,
        )
    if not overridden:
        assert totals.week_hours <= weekly_minutes / 60 + 1 / 120
        assert totals.year_paid_cents <= allowance_cents
        assert totals.client_assignments <= 5
