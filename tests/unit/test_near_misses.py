"""Near misses, pure: at the rule where nobody was left, who passed every rule before it, what
each lacks, closest first."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from tests.unit.test_matching import DAY, GOOD, REQUEST, SLOT
from volunteers.models.enums import DayPart
from volunteers.services.matching import NEAR_MISSES_SHOWN, RULES, dropped_at, match, near_misses


def _funnel_drop(candidates) -> str | None:
    return dropped_at(match(REQUEST, candidates).funnel)


def test_nobody_is_named_when_someone_passes_or_nobody_speaks_the_variety():
    assert _funnel_drop([GOOD]) is None
    silent = replace(GOOD, level=None)
    assert _funnel_drop([silent]) == "language"
    assert near_misses(REQUEST, [silent], "language") == ()


def test_an_applicant_is_named_at_the_rule_active_with_everything_they_lack():
    applicant = replace(GOOD, profile_id=11, active=False, qualified_on={DAY: False})
    assert _funnel_drop([applicant]) == "active"
    [miss] = near_misses(REQUEST, [applicant], "active", qualification_gaps={11: 1})
    assert miss.candidate.profile_id == 11
    assert miss.lacks == ("active", "qualified")
    assert miss.distance == 2


def test_only_those_who_pass_every_rule_before_the_drop_are_named():
    unqualified = replace(GOOD, profile_id=20, qualified_on={DAY: False})
    inactive = replace(GOOD, profile_id=21, active=False)  # out a rule earlier
    assert _funnel_drop([unqualified, inactive]) == "qualified"
    found = near_misses(REQUEST, [unqualified, inactive], "qualified")
    assert [m.candidate.profile_id for m in found] == [20]


def test_the_closest_come_first_then_the_ranking_decides():
    one_gap = replace(GOOD, profile_id=30, qualified_on={DAY: False})
    three_gaps = replace(GOOD, profile_id=31, qualified_on={DAY: False})
    gap_and_busy = replace(GOOD, profile_id=32, qualified_on={DAY: False}, busy=(SLOT,))
    also_one_gap = replace(GOOD, profile_id=33, qualified_on={DAY: False})
    busy_lately = replace(GOOD, profile_id=34, qualified_on={DAY: False}, assignments_last_90_days=3)
    gaps = {30: 1, 31: 3, 32: 1, 33: 1, 34: 1}
    pool = [three_gaps, gap_and_busy, busy_lately, one_gap, also_one_gap]
    found = near_misses(REQUEST, pool, "qualified", qualification_gaps=gaps)
    # One gap each: 30 and 33 score alike and go by the profile id; 34 has worked more lately.
    assert [m.candidate.profile_id for m in found] == [30, 33, 34, 32, 31]
    assert [m.distance for m in found] == [1, 1, 1, 2, 3]
    assert found[3].lacks == ("qualified", "free")


def test_at_a_later_rule_every_rule_broken_after_it_is_listed():
    away = replace(GOOD, profile_id=40, weekly=frozenset({(1, DayPart.AFTERNOON)}), max_travel_km=5)
    assert _funnel_drop([away]) == "available"
    [miss] = near_misses(REQUEST, [away], "available")
    assert miss.lacks == ("available", "distance") and miss.distance == 2


def test_at_most_the_limit_is_named():
    many = [replace(GOOD, profile_id=100 + n, active=False, qualified_on={DAY: False}) for n in range(25)]
    found = near_misses(REQUEST, many, "active")
    assert len(found) == NEAR_MISSES_SHOWN
    assert [m.candidate.profile_id for m in found] == list(range(100, 100 + NEAR_MISSES_SHOWN))


@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "active": st.booleans(),
                "qualified": st.booleans(),
                "weekly": st.sampled_from([frozenset({(1, DayPart.MORNING)}), frozenset()]),
                "max_travel_km": st.sampled_from([None, 5, 40]),
                "per_month": st.sampled_from([{}, {(2026, 3): 9}]),
            }
        ),
        max_size=12,
    )
)
def test_near_misses_are_exactly_those_who_break_the_drop_rule_first(facts):
    candidates = [
        replace(
            GOOD,
            profile_id=n,
            active=f["active"],
            qualified_on={DAY: f["qualified"]},
            weekly=f["weekly"],
            max_travel_km=f["max_travel_km"],
            per_month=f["per_month"],
        )
        for n, f in enumerate(facts)
    ]
    result = match(REQUEST, candidates, timedelta(minutes=30))
    rule = dropped_at(result.funnel)
    if rule is None:
        assert result.ranked
        return
    found = near_misses(REQUEST, candidates, rule, limit=len(candidates) + 1)
    before = dict(result.funnel)[RULES[RULES.index(rule) - 1]] if RULES.index(rule) else 0
    assert len(found) == before  # everyone still there before the drop rule is named
    assert all(m.lacks[0] == rule for m in found)
    assert [m.distance for m in found] == sorted(m.distance for m in found)
