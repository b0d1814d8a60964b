"""The eligibility rules, pure: facts and a rulebook in, a verdict out."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from volunteers.models.enums import (
    Area,
    CertificateKind,
    CertificateResult,
    LanguageLevel,
    QualificationStatus,
    VolunteerStatus,
    WorkKind,
)
from volunteers.services.qualification_rules import (
    Certificate,
    DeclarationRule,
    HeldQualification,
    RequirementRule,
    Rulebook,
    TypeRule,
    VolunteerFacts,
    evaluate,
)
from volunteers.services.validity import inclusion_closure, valid_until

BASIC, HEALTH_MODULE, MIMI, GUIDE, SEMINAR = 1, 2, 3, 4, 5
DAY = date(2026, 11, 24)

TYPES = {
    BASIC: TypeRule(BASIC, {"de": "Grundkurs", "en": "Basic course"}, 24, frozenset({SEMINAR})),
    HEALTH_MODULE: TypeRule(HEALTH_MODULE, {"de": "Fachmodul", "en": "Health module"}, None, frozenset()),
    MIMI: TypeRule(MIMI, {"de": "MiMi", "en": "MiMi"}, None, frozenset()),
    GUIDE: TypeRule(GUIDE, {"de": "Lotse", "en": "Guide"}, None, frozenset()),
    SEMINAR: TypeRule(SEMINAR, {"de": "Seminar", "en": "Seminar"}, None, frozenset()),
}
HEALTH_INTERPRETING = RequirementRule(
    area=Area.HEALTH,
    kind=WorkKind.INTERPRETING,
    min_language_level=LanguageLevel.C1,
    min_german_level=LanguageLevel.B1,
    groups=(frozenset({BASIC}), frozenset({HEALTH_MODULE, MIMI})),
    needs_police_certificate=True,
    extended_certificate_for_minors=True,
)
DECLARATION = DeclarationRule(10, {"de": "Schweigepflicht", "en": "Confidentiality"}, ((1, date(2026, 1, 1)),))
BOOK = Rulebook(
    requirement=HEALTH_INTERPRETING,
    types=TYPES,
    closure=inclusion_closure({MIMI: [GUIDE]}),
    declarations=(DECLARATION,),
)


def _verified(type_id: int, completed: date, months: int | None = None) -> HeldQualification:
    return HeldQualification(type_id, QualificationStatus.VERIFIED, completed, valid_until(completed, months))


QUALIFIED = VolunteerFacts(
    profile_id=7,
    status=VolunteerStatus.ACTIVE,
    areas=frozenset({Area.HEALTH}),
    kinds=frozenset({WorkKind.INTERPRETING}),
    german_level=LanguageLevel.B2,
    languages={"tir": LanguageLevel.NATIVE},
    qualifications=(_verified(BASIC, date(2025, 6, 1)), _verified(MIMI, date(2025, 1, 10), 36)),
    signed={10: frozenset({1})},
    certificates=(
        Certificate(CertificateKind.SIMPLE, date(2025, 5, 2), date(2030, 5, 2), CertificateResult.NO_ENTRIES),
    ),
)


def _rules(verdict) -> list[tuple[str, str]]:
    return [(f.rule, f.reason) for f in verdict.failures]


def test_a_qualified_volunteer_may():
    assert evaluate(QUALIFIED, BOOK, DAY, "tir").allowed


def test_each_rule_says_no_on_its_own():
    cases = {
        ("status", "not_active"): replace(QUALIFIED, status=VolunteerStatus.PAUSED),
        ("offer", "area"): replace(QUALIFIED, areas=frozenset({Area.LANGUAGE})),
        ("offer", "kind"): replace(QUALIFIED, kinds=frozenset({WorkKind.MENTORING})),
        ("german", "level"): replace(QUALIFIED, german_level=LanguageLevel.A2),
        ("language", "level"): replace(QUALIFIED, languages={"tir": LanguageLevel.B2}),
        ("declaration", "unsigned"): replace(QUALIFIED, signed={}),
        ("police_certificate", "missing"): replace(QUALIFIED, certificates=()),
    }
    for expected, facts in cases.items():
        assert _rules(evaluate(facts, BOOK, DAY, "tir")) == [expected], expected


def test_no_german_level_recorded_fails_the_german_rule():
    assert _rules(evaluate(replace(QUALIFIED, german_level=None), BOOK, DAY, "tir")) == [("german", "level")]


def test_without_a_language_any_other_language_at_the_level_counts():
    assert evaluate(QUALIFIED, BOOK, DAY).allowed
    only_german = replace(QUALIFIED, languages={"deu": LanguageLevel.NATIVE})
    assert _rules(evaluate(only_german, BOOK, DAY)) == [("language", "any")]


def test_every_group_of_accepted_types_must_be_met():
    no_health = replace(QUALIFIED, qualifications=(_verified(BASIC, date(2025, 6, 1)),))
    assert _rules(evaluate(no_health, BOOK, DAY, "tir")) == [("qualification", "missing")]
    module = replace(QUALIFIED, qualifications=(_verified(BASIC, date(2025, 6, 1)), _verified(HEALTH_MODULE, DAY)))
    assert evaluate(module, BOOK, DAY, "tir").allowed


def test_an_expired_certificate_and_one_from_the_future_do_not_count():
    expired = replace(
        QUALIFIED, qualifications=(_verified(BASIC, date(2025, 6, 1)), _verified(MIMI, date(2023, 1, 10), 36))
    )
    verdict = evaluate(expired, BOOK, DAY, "tir")
    assert _rules(verdict) == [("qualification", "expired")]
    assert verdict.failures[0].details["until"] == date(2026, 1, 9)
    later = replace(
        QUALIFIED, qualifications=(_verified(BASIC, date(2025, 6, 1)), _verified(MIMI, date(2026, 12, 1), 36))
    )
    assert _rules(evaluate(later, BOOK, DAY, "tir")) == [("qualification", "missing")]


def test_a_basic_course_needs_a_refresher_every_24_months():
    old = _verified(BASIC, date(2024, 1, 15))
    lapsed = replace(QUALIFIED, qualifications=(old, _verified(MIMI, date(2025, 1, 10), 36)))
    verdict = evaluate(lapsed, BOOK, DAY, "tir")
    assert _rules(verdict) == [("qualification", "refresher_due")]
    assert verdict.failures[0].details["until"] == date(2026, 1, 14)
    refreshed = replace(lapsed, qualifications=(*lapsed.qualifications, _verified(SEMINAR, date(2025, 10, 1))))
    assert evaluate(refreshed, BOOK, DAY, "tir").allowed
    # A refresher taken after the day in question does not count for that day.
    late = replace(lapsed, qualifications=(*lapsed.qualifications, _verified(SEMINAR, date(2026, 3, 1))))
    assert _rules(evaluate(late, BOOK, date(2026, 2, 1), "tir")) == [("qualification", "refresher_due")]
    assert evaluate(late, BOOK, date(2026, 3, 1), "tir").allowed


def test_a_pending_training_is_named_as_waiting():
    pending = HeldQualification(HEALTH_MODULE, QualificationStatus.PENDING, date(2026, 10, 1), None)
    facts = replace(QUALIFIED, qualifications=(_verified(BASIC, date(2025, 6, 1)), pending))
    assert _rules(evaluate(facts, BOOK, DAY, "tir")) == [("qualification", "pending")]


def test_inclusion_counts_towards_accepted_types():
    book = replace(BOOK, requirement=replace(HEALTH_INTERPRETING, groups=(frozenset({GUIDE}),)))
    assert evaluate(QUALIFIED, book, DAY, "tir").allowed  # MiMi includes the health guide


def test_a_new_declaration_version_is_required_only_from_its_effective_date():
    newer = DeclarationRule(
        10, {"de": "Schweigepflicht", "en": "Confidentiality"}, ((1, date(2026, 1, 1)), (2, date(2027, 1, 1)))
    )
    book = replace(BOOK, declarations=(newer,))
    assert evaluate(QUALIFIED, book, date(2026, 12, 31), "tir").allowed
    assert _rules(evaluate(QUALIFIED, book, date(2027, 1, 1), "tir")) == [("declaration", "unsigned")]
    signed_new = replace(QUALIFIED, signed={10: frozenset({2})})
    assert evaluate(signed_new, book, date(2026, 12, 31), "tir").allowed  # signing early counts
    assert evaluate(signed_new, book, date(2027, 1, 1), "tir").allowed


def test_minors_need_the_extended_certificate():
    assert _rules(evaluate(QUALIFIED, BOOK, DAY, "tir", minors=True)) == [("police_certificate", "extended_missing")]
    extended = replace(
        QUALIFIED,
        certificates=(
            Certificate(CertificateKind.EXTENDED, date(2025, 5, 2), date(2030, 5, 2), CertificateResult.NO_ENTRIES),
        ),
    )
    assert evaluate(extended, BOOK, DAY, "tir", minors=True).allowed


def test_a_certificate_is_due_again_after_five_years_and_entries_count_against():
    due = replace(
        QUALIFIED,
        certificates=(
            Certificate(CertificateKind.SIMPLE, date(2021, 5, 2), date(2026, 5, 2), CertificateResult.NO_ENTRIES),
        ),
    )
    assert _rules(evaluate(due, BOOK, DAY, "tir")) == [("police_certificate", "due")]
    entries = replace(
        QUALIFIED,
        certificates=(
            Certificate(CertificateKind.SIMPLE, date(2025, 5, 2), date(2030, 5, 2), CertificateResult.ENTRIES),
        ),
    )
    assert _rules(evaluate(entries, BOOK, DAY, "tir")) == [("police_certificate", "entries")]


def test_entries_on_a_newer_simple_certificate_count_also_with_minors():
    facts = replace(
        QUALIFIED,
        certificates=(
            Certificate(CertificateKind.EXTENDED, date(2025, 5, 2), date(2030, 5, 2), CertificateResult.NO_ENTRIES),
            Certificate(CertificateKind.SIMPLE, date(2026, 11, 19), date(2031, 11, 19), CertificateResult.ENTRIES),
        ),
    )
    assert _rules(evaluate(facts, BOOK, DAY, "tir", minors=True)) == [("police_certificate", "entries")]
    assert _rules(evaluate(facts, BOOK, DAY, "tir", minors=False)) == [("police_certificate", "entries")]


def test_an_expired_training_with_a_renewal_waiting_says_both():
    renewal = HeldQualification(MIMI, QualificationStatus.PENDING, date(2026, 11, 1), None)
    facts = replace(
        QUALIFIED, qualifications=(_verified(BASIC, date(2025, 6, 1)), _verified(MIMI, date(2023, 1, 10), 36), renewal)
    )
    [failure] = evaluate(facts, BOOK, DAY, "tir").failures
    assert (failure.reason, failure.details["renewal_pending"]) == ("expired", True)


def test_without_a_requirement_nobody_may():
    book = replace(BOOK, requirement=None)
    assert ("offer", "no_requirement") in _rules(evaluate(QUALIFIED, book, DAY))


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)))
def test_the_qualified_volunteer_may_exactly_while_every_record_counts(day):
    """Basic course completed 1 June 2025 (refresher every 24 months: counts until 31 May 2027),
    MiMi valid until 9 January 2028, certificate shown 2 May 2025 and due on 2 May 2030, the
    declaration (signed) in force from 1 January 2026: allowed exactly in between."""
    allowed = evaluate(QUALIFIED, BOOK, day, "tir").allowed
    assert allowed == (date(2025, 6, 1) <= day <= date(2027, 5, 31))
