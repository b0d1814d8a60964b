"""Validity, refreshers, inclusion: month ends, leap years, chains."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import assume, given
from hypothesis import strategies as st

from volunteers.services.validity import (
    add_months,
    counts_on,
    in_good_standing_until,
    inclusion_closure,
    police_certificate_due,
    police_certificate_fresh_enough,
    valid_until,
    version_in_force,
)

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))
months = st.integers(min_value=0, max_value=240)


def test_month_ends_and_leap_years():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2028, 2, 29), 12) == date(2029, 2, 28)
    assert add_months(date(2026, 8, 31), 1) == date(2026, 9, 30)
    assert add_months(date(2026, 12, 15), 1) == date(2027, 1, 15)
    assert valid_until(date(2026, 3, 15), 36) == date(2029, 3, 14)
    assert valid_until(date(2028, 2, 29), 12) == date(2029, 2, 27)
    assert valid_until(date(2026, 3, 15), None) is None


@given(days, months)
def test_adding_months_keeps_the_day_or_clamps_to_the_month_end(day, n):
    result = add_months(day, n)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == n
    assert result.day == day.day or (result.day < day.day and (result + timedelta(days=1)).day == 1)


@given(days, months, months)
def test_longer_validity_never_ends_earlier(day, a, b):
    assume(a <= b)
    assert add_months(day, a) <= add_months(day, b)


@given(days, st.integers(min_value=1, max_value=240))
def test_a_certificate_counts_up_to_its_last_day_and_not_after(day, n):
    until = valid_until(day, n)
    assert counts_on(until, day, until)
    assert not counts_on(until + timedelta(days=1), day, until)
    assert counts_on(day, day, until)
    assert not counts_on(day - timedelta(days=1), day, until)


@given(days, st.integers(min_value=1, max_value=60), st.lists(days, max_size=5))
def test_a_refresher_only_ever_extends_good_standing(completed, n, refreshers):
    base = in_good_standing_until(completed, n)
    extended = in_good_standing_until(completed, n, refreshers)
    assert extended >= base
    latest = max([completed, *refreshers])
    assert extended == add_months(latest, n) - timedelta(days=1)


def test_no_refresher_rule_means_no_limit():
    assert in_good_standing_until(date(2020, 1, 1), None, [date(2021, 1, 1)]) is None


def test_police_certificates():
    assert police_certificate_due(date(2026, 2, 28)) == date(2031, 2, 28)
    assert police_certificate_due(date(2024, 2, 29)) == date(2029, 2, 28)
    assert police_certificate_fresh_enough(date(2026, 1, 31), date(2026, 4, 30))
    assert not police_certificate_fresh_enough(date(2026, 1, 31), date(2026, 5, 1))
    assert not police_certificate_fresh_enough(date(2026, 5, 2), date(2026, 5, 1))


def test_inclusion_is_transitive_and_survives_cycles():
    closure = inclusion_closure({1: [2], 2: [3], 3: [1], 4: [5]})
    assert closure[1] == closure[2] == closure[3] == frozenset({1, 2, 3})
    assert closure[4] == frozenset({4, 5})
    assert closure[5] == frozenset({5})


@given(st.dictionaries(st.integers(0, 12), st.lists(st.integers(0, 12), max_size=4), max_size=12))
def test_inclusion_closure_is_closed(graph):
    closure = inclusion_closure(graph)
    for node, reach in closure.items():
        assert node in reach
        for other in reach:
            assert closure.get(other, frozenset({other})) <= reach


def test_the_version_in_force_is_the_newest_already_effective():
    versions = [(1, date(2026, 1, 1)), (2, date(2026, 12, 1))]
    assert version_in_force(versions, date(2025, 12, 31)) is None
    assert version_in_force(versions, date(2026, 11, 30)) == 1
    assert version_in_force(versions, date(2026, 12, 1)) == 2
