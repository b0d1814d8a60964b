"""Matching, pure: every hard rule, every ranking factor, and properties over many cases."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from volunteers.models.enums import DayPart, Gender, GenderPreference, LanguageLevel, Mobility, Mode
from volunteers.services.matching import (
    RULES,
    Candidate,
    RequestFacts,
    Slot,
    accepted_languages,
    best_level,
    broken_rules,
    day_parts_needed,
    distance_km,
    match,
)

HOFGEISMAR = (51.4956, 9.3793)
KASSEL = (51.3161, 9.4975)
BAUNATAL = (51.2589, 9.4183)
# Tuesday 3 March 2026, 9:00–10:30 in Berlin (CET, UTC+1)
SLOT = Slot(datetime(2026, 3, 3, 8, 0, tzinfo=UTC), datetime(2026, 3, 3, 9, 30, tzinfo=UTC))
DAY = date(2026, 3, 3)

REQUEST = RequestFacts(
    id=1,
    language_code="tir",
    mode=Mode.ON_SITE,
    slot=SLOT,
    place=KASSEL,
    gender_preference=GenderPreference.NONE,
    organisation_id=5,
    client_reference="K-17",
)

GOOD = Candidate(
    profile_id=10,
    active=True,
    level=LanguageLevel.NATIVE,
    qualified_on={DAY: True},
    weekly=frozenset({(1, DayPart.MORNING)}),
    max_per_month=4,
    gender=Gender.FEMALE,
    mobility=Mobility.PUBLIC_TRANSPORT,
    home=HOFGEISMAR,
    max_travel_km=30,
)


def _ids(result) -> list[int]:
    return [r.candidate.profile_id for r in result.ranked]


def _failing_rule(candidate: Candidate, request: RequestFacts = REQUEST) -> str | None:
    funnel = match(request, [candidate]).funnel
    return next((rule for rule, left in funnel if left == 0), None)


def test_a_good_candidate_is_ranked():
    assert _ids(match(REQUEST, [GOOD])) == [10]
    assert 20 < distance_km(HOFGEISMAR, KASSEL) < 25


def test_each_hard_rule_on_its_own():
    busy = Slot(SLOT.starts_at + timedelta(minutes=100), SLOT.ends_at + timedelta(hours=2))
    cases = {
        "language": replace(GOOD, level=None),
        "active": replace(GOOD, active=False),
        "qualified": replace(GOOD, qualified_on={DAY: False}),
        "available": replace(GOOD, weekly=frozenset({(1, DayPart.AFTERNOON)})),
        "free": replace(GOOD, busy=(busy,)),  # 10 minutes after, within the 30-minute buffer
        "monthly_maximum": replace(GOOD, per_month={(2026, 3): 4}),
        "not_excluded": replace(GOOD, excluded_clients=frozenset({(5, "K-17")})),
        "distance": replace(GOOD, max_travel_km=10),
    }
    for rule, candidate in cases.items():
        assert _failing_rule(candidate) == rule, rule
    assert _failing_rule(replace(GOOD, excluded_clients=frozenset({(5, "k-17 ")}))) == "not_excluded"  # any case
    assert _failing_rule(replace(GOOD, absences=((DAY, DAY),))) == "available"
    assert _failing_rule(replace(GOOD, excluded_organisations=frozenset({5}))) == "not_excluded"
    assert _failing_rule(replace(GOOD, mobility=Mobility.REMOTE_ONLY)) == "distance"
    male_wanted = replace(REQUEST, gender_preference=GenderPreference.MALE)
    assert _failing_rule(GOOD, male_wanted) == "gender"
    assert (
        _failing_rule(
            replace(GOOD, gender=Gender.NOT_STATED), replace(REQUEST, gender_preference=GenderPreference.FEMALE)
        )
        == "gender"
    )


def test_remote_requests_ignore_distance_and_remote_only_volunteers_may_do_them():
    phone = replace(REQUEST, mode=Mode.PHONE)
    far = replace(GOOD, max_travel_km=1, mobility=Mobility.REMOTE_ONLY)
    assert _ids(match(phone, [far])) == [10]


def test_the_slot_must_lie_in_the_weekly_pattern_entirely():
    into_afternoon = Slot(SLOT.starts_at + timedelta(hours=2, minutes=30), SLOT.ends_at + timedelta(hours=3))
    assert day_parts_needed(into_afternoon) == frozenset({(1, DayPart.MORNING), (1, DayPart.AFTERNOON)})
    assert _failing_rule(GOOD, replace(REQUEST, slot=into_afternoon)) == "available"
    early = Slot(datetime(2026, 3, 3, 6, 0, tzinfo=UTC), datetime(2026, 3, 3, 7, 30, tzinfo=UTC))  # 7:00 in Berlin
    assert day_parts_needed(early) is None
    # Summer time: 9:00 in Berlin is 7:00 UTC
    summer = Slot(datetime(2026, 7, 7, 7, 0, tzinfo=UTC), datetime(2026, 7, 7, 8, 0, tzinfo=UTC))
    assert day_parts_needed(summer) == frozenset({(1, DayPart.MORNING)})


def test_ranking_factors():
    near = replace(GOOD, profile_id=1, home=KASSEL)
    far = replace(GOOD, profile_id=2, home=HOFGEISMAR)
    assert _ids(match(REQUEST, [far, near])) == [1, 2]  # distance
    busy = replace(GOOD, profile_id=3, home=KASSEL, assignments_last_90_days=4)
    assert _ids(match(REQUEST, [busy, near])) == [1, 3]  # fairness
    fluent = replace(GOOD, profile_id=4, home=KASSEL, level=LanguageLevel.C1)
    assert _ids(match(REQUEST, [fluent, near])) == [1, 4]  # language level
    known = replace(GOOD, profile_id=5, home=HOFGEISMAR, helped_client_before=True)
    assert _ids(match(REQUEST, [near, known])) == [5, 1]  # continuity
    reliable = replace(GOOD, profile_id=6, home=KASSEL, offers_accepted=9, offers_answered=10)
    unreliable = replace(GOOD, profile_id=7, home=KASSEL, offers_accepted=1, offers_answered=10)
    assert _ids(match(REQUEST, [unreliable, reliable])) == [6, 7]  # reliability


def test_each_candidate_carries_its_reasons():
    [ranked] = match(
        REQUEST,
        [replace(GOOD, assignments_last_90_days=2, offers_accepted=3, offers_answered=4, helped_client_before=True)],
    ).ranked
    kinds = {reason.kind: reason.value for reason in ranked.reasons}
    assert kinds["distance"] == 22 and kinds["recent"] == 2 and kinds["level"] is LanguageLevel.NATIVE
    assert kinds["reliability"] == (3, 4) and "continuity" in kinds


def test_nobody_qualifies_says_how_many_each_rule_excluded_and_whether_another_slot_helps():
    afternoon = Slot(SLOT.starts_at + timedelta(hours=5), SLOT.ends_at + timedelta(hours=5))
    request = replace(REQUEST, alternative=afternoon)
    later = replace(GOOD, profile_id=20, weekly=frozenset({(1, DayPart.AFTERNOON)}))
    remote = replace(GOOD, profile_id=21, mobility=Mobility.REMOTE_ONLY)
    inactive = replace(GOOD, profile_id=22, active=False)
    result = match(request, [later, remote, inactive])
    assert result.ranked == ()
    assert result.funnel[:4] == (("language", 3), ("active", 2), ("qualified", 2), ("available", 1))
    assert result.funnel[-1] == ("distance", 0)
    assert result.with_alternative == 1  # the afternoon volunteer
    assert result.remotely == 1  # the remote-only volunteer, if by phone


def _candidates():
    return st.builds(
        Candidate,
        profile_id=st.integers(1, 10_000),
        active=st.booleans(),
        level=st.sampled_from([None, *LanguageLevel]),
        qualified_on=st.sampled_from([{DAY: True}, {DAY: False}, {}]),
        weekly=st.frozensets(st.tuples(st.integers(0, 6), st.sampled_from(list(DayPart))), max_size=8),
        absences=st.sampled_from([(), ((DAY, DAY),), ((date(2026, 1, 1), date(2026, 1, 2)),)]),
        per_month=st.sampled_from([{}, {(2026, 3): 2}, {(2026, 3): 9}]),
        max_per_month=st.integers(1, 6),
        gender=st.sampled_from(list(Gender)),
        excluded_organisations=st.sampled_from([frozenset(), frozenset({5})]),
        mobility=st.sampled_from([None, *Mobility]),
        home=st.sampled_from([None, KASSEL, HOFGEISMAR, BAUNATAL]),
        max_travel_km=st.sampled_from([None, 5, 20, 60]),
        assignments_last_90_days=st.integers(0, 10),
        helped_client_before=st.booleans(),
        offers_accepted=st.integers(0, 5),
        offers_answered=st.integers(5, 10),
    )


@given(
    st.lists(_candidates(), max_size=25, unique_by=lambda c: c.profile_id),
    st.sampled_from(list(GenderPreference)),
    st.sampled_from(list(Mode)),
)
def test_properties(candidates, preference, mode):
    request = replace(REQUEST, gender_preference=preference, mode=mode)
    result = match(request, candidates)
    # Nobody who breaks a hard rule is ever ranked.
    for ranked in result.ranked:
        assert match(request, [ranked.candidate]).funnel[-1] == ("distance", 1)
    for candidate in candidates:
        if candidate not in [r.candidate for r in result.ranked]:
            assert match(request, [candidate]).ranked == ()
    # The funnel never grows, covers every rule, and ends where the ranking does.
    counts = [left for _, left in result.funnel]
    assert [rule for rule, _ in result.funnel] == list(RULES)
    assert counts == sorted(counts, reverse=True) and counts[0] <= len(candidates)
    assert counts[-1] == len(result.ranked)
    # The ranking is deterministic: the same, whatever the order of the input.
    assert _ids(match(request, list(reversed(candidates)))) == _ids(result)
    scores = [r.score for r in result.ranked]
    assert scores == sorted(scores, reverse=True)
    # When the database has counted the first two rules, handing over only those who passed
    # them gives the same answer.
    past_two = [c for c in candidates if c.level is not None and c.active]
    assert match(request, past_two, counted=result.funnel[:2]) == result


def test_counts_from_the_database_must_be_of_the_first_rules_in_order():
    with pytest.raises(ValueError):
        match(REQUEST, [GOOD], counted=(("active", 3),))


def test_broken_rules_names_every_rule_one_candidate_breaks():
    assert broken_rules(GOOD, REQUEST) == []
    tired = replace(GOOD, active=False, max_travel_km=10)
    assert broken_rules(tired, REQUEST) == ["active", "distance"]


def test_a_language_in_general_accepts_its_varieties_a_variety_only_itself():
    varieties = {"ara": ["apc", "acm"]}
    assert accepted_languages("ara", varieties) == {"ara", "apc", "acm"}
    assert accepted_languages("apc", varieties) == {"apc"}
    assert accepted_languages("tir", varieties) == {"tir"}
    assert best_level({"ara": LanguageLevel.B1, "apc": LanguageLevel.NATIVE}, {"ara", "apc"}) is LanguageLevel.NATIVE
    assert best_level({"ara": LanguageLevel.B1, "apc": LanguageLevel.NATIVE}, {"apc"}) is LanguageLevel.NATIVE
    assert best_level({"ara": LanguageLevel.B1}, {"apc"}) is None
