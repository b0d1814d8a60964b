"""May this volunteer do area A / kind K on date D? The pure part: facts about a volunteer and
the rulebook in, a verdict with the rules that failed out, and each failure explained in the
reader's language. Loading the facts and the rulebooks is services/eligibility.py.

The rules, in the order a verdict lists them:
1. status: the volunteer is active;
2. offer: the volunteer offers this area and kind of work;
3. German: at least the requirement's German level;
4. language: the language of the assignment (or, without one, any other language) at the
   requirement's level;
5. qualifications: for every group of accepted types, a verified training of one of them (or of
   a type that includes one) that counts on the day: completed, not past its validity, and with
   a refresher rule, refreshed in time;
6. declarations: every declaration signed in the version in force on the day (or a newer one);
7. police certificate: shown, without entries, not yet due again on the day; the extended one
   when minors are involved and the requirement asks for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TypedDict

from flask_babel import gettext as _

from ..formatting import format_date
from ..labels import label
from ..models.enums import (
    Area,
    CertificateKind,
    CertificateResult,
    LanguageLevel,
    QualificationRule,
    QualificationStatus,
    VolunteerStatus,
    WorkKind,
)
from ..texts import Texts, localized
from .matching import accepted_languages, best_level
from .validity import counts_on, earliest, in_good_standing_until, version_in_force

# ---------------------------------------------------------------------------------------------
# Plain facts and rules


@dataclass(frozen=True)
class TypeRule:
    id: int
    names: Texts
    refresher_months: int | None
    refresher_ids: frozenset[int]

    def name(self) -> str:
        return localized(self.names)


@dataclass(frozen=True)
class DeclarationRule:
    id: int
    titles: Texts
    #: (number, effective from)
    versions: tuple[tuple[int, date], ...]

    def title(self) -> str:
        return localized(self.titles)


@dataclass(frozen=True)
class RequirementRule:
    area: Area
    kind: WorkKind
    min_language_level: LanguageLevel | None
    min_german_level: LanguageLevel | None
    #: Each group: the type ids of which one is enough.
    groups: tuple[frozenset[int], ...]
    needs_police_certificate: bool
    extended_certificate_for_minors: bool


@dataclass(frozen=True)
class Rulebook:
    requirement: RequirementRule | None
    types: Mapping[int, TypeRule]
    #: Type id -> every type id it counts as.
    closure: Mapping[int, frozenset[int]]
    declarations: tuple[DeclarationRule, ...]
    language_names: Mapping[str, Texts] = field(default_factory=dict)
    #: Language code -> the codes of its varieties (matching.accepted_languages).
    varieties: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def relevant_type_ids(self) -> frozenset[int]:
        """The training types the requirement's verdict can depend on: those that count for a
        group (themselves or by what they include) and the refreshers of those."""
        if self.requirement is None:
            return frozenset()
        counting = {
            type_id
            for group in self.requirement.groups
            for type_id in group | {t for t, counts_as in self.closure.items() if counts_as & group}
        }
        refreshers = {r for type_id in counting if type_id in self.types for r in self.types[type_id].refresher_ids}
        return frozenset(counting | refreshers)


# Built by the thousand when matching: slotted, not frozen (frozen dataclasses are five times
# slower to build). Treat them as read-only all the same.
@dataclass(slots=True)
class HeldQualification:
    type_id: int
    status: QualificationStatus
    completed_on: date
    valid_until: date | None


@dataclass(slots=True)
class Certificate:
    kind: CertificateKind
    shown_on: date
    next_due_on: date
    result: CertificateResult


@dataclass(slots=True)
class VolunteerFacts:
    profile_id: int
    status: VolunteerStatus
    areas: frozenset[Area]
    kinds: frozenset[WorkKind]
    german_level: LanguageLevel | None
    languages: Mapping[str, LanguageLevel]
    qualifications: tuple[HeldQualification, ...] = ()
    #: Declaration id -> the version numbers signed.
    signed: Mapping[int, frozenset[int]] = field(default_factory=dict)
    certificates: tuple[Certificate, ...] = ()


class FailureDetails(TypedDict, total=False):
    """What a failure's explanation names; each rule and reason sets the keys it needs."""

    status: VolunteerStatus
    area: Area
    kind: WorkKind
    #: Language levels: the requirement's and the volunteer's (None: none required / recorded).
    needed: LanguageLevel | None
    has: LanguageLevel | None
    #: The language of the assignment.
    code: str
    #: A training that lapsed or waits for verification, the last day it counted, and whether
    #: a newer one waits for verification.
    type_id: int
    until: date
    renewal_pending: bool
    #: The trainings of which one is missing.
    type_ids: tuple[int, ...]
    declaration_id: int
    #: The version of the declaration in force.
    number: int
    #: The day the police certificate was due again.
    since: date


@dataclass(slots=True)
class Failure:
    """A rule that said no, with what is needed to explain it in the reader's language."""

    rule: QualificationRule
    reason: str
    details: FailureDetails
    rulebook: Rulebook = field(compare=False, repr=False)

    @property
    def message(self) -> str:
        return _explain(self)


@dataclass(slots=True)
class Verdict:
    profile_id: int
    on: date
    failures: tuple[Failure, ...]

    @property
    def allowed(self) -> bool:
        return not self.failures

    def failed(self, rule: QualificationRule) -> bool:
        return any(failure.rule == rule for failure in self.failures)


AREAS = tuple(Area)
KINDS = tuple(WorkKind)
AREA_COLUMNS = tuple((area, f"area_{area.value}") for area in AREAS)
KIND_COLUMNS = tuple((kind, f"kind_{kind.value}") for kind in KINDS)

RULES = tuple(QualificationRule)

# ---------------------------------------------------------------------------------------------
# The pure evaluation


def qualification_until(
    held: HeldQualification, facts: VolunteerFacts, rulebook: Rulebook, on: date
) -> tuple[date | None, date | None]:
    """The last day this training counts on `on`'s terms (validity and refresher standing), and
    the last day of the refresher standing alone."""
    rule = rulebook.types.get(held.type_id)
    standing = None
    if rule is not None and rule.refresher_months is not None:
        refreshed = [
            other.completed_on
            for other in facts.qualifications
            if other.status is QualificationStatus.VERIFIED
            and other.type_id in rule.refresher_ids
            and other.completed_on <= on
        ]
        standing = in_good_standing_until(held.completed_on, rule.refresher_months, refreshed)
    return earliest(held.valid_until, standing), standing


def _check_group(group: frozenset[int], facts: VolunteerFacts, rulebook: Rulebook, on: date) -> Failure | None:
    best_lapsed: tuple[date, int, str] | None = None
    pending: int | None = None
    for held in facts.qualifications:
        counts_as = rulebook.closure.get(held.type_id, frozenset({held.type_id}))
        if not counts_as & group:
            continue
        if held.status is QualificationStatus.PENDING:
            pending = held.type_id
            continue
        if held.status is not QualificationStatus.VERIFIED:
            continue
        until, standing = qualification_until(held, facts, rulebook, on)
        if counts_on(on, held.completed_on, until):
            return None
        if until is not None and until < on and (best_lapsed is None or until > best_lapsed[0]):
            reason = "refresher_due" if standing is not None and until == standing else "expired"
            best_lapsed = (until, held.type_id, reason)
    if best_lapsed is not None:
        until, type_id, reason = best_lapsed
        return Failure(
            QualificationRule.TRAINING,
            reason,
            {"type_id": type_id, "until": until, "renewal_pending": pending is not None},
            rulebook,
        )
    if pending is not None:
        return Failure(QualificationRule.TRAINING, "pending", {"type_id": pending}, rulebook)
    return Failure(QualificationRule.TRAINING, "missing", {"type_ids": tuple(sorted(group))}, rulebook)


def _check_certificate(
    facts: VolunteerFacts, requirement: RequirementRule, on: date, minors: bool, rulebook: Rulebook
) -> Failure | None:
    needs_extended = minors and requirement.extended_certificate_for_minors
    shown = sorted((c for c in facts.certificates if c.shown_on <= on), key=lambda c: c.shown_on, reverse=True)
    # Entries on the newest certificate count, whatever its kind.
    if shown and shown[0].result is CertificateResult.ENTRIES:
        return Failure(QualificationRule.POLICE_CERTIFICATE, "entries", {}, rulebook)
    if needs_extended:
        shown = [c for c in shown if c.kind is CertificateKind.EXTENDED]
    if not shown:
        return Failure(
            QualificationRule.POLICE_CERTIFICATE, "extended_missing" if needs_extended else "missing", {}, rulebook
        )
    current = shown[0]
    if current.result is CertificateResult.ENTRIES:
        return Failure(QualificationRule.POLICE_CERTIFICATE, "entries", {}, rulebook)
    if on >= current.next_due_on:
        return Failure(QualificationRule.POLICE_CERTIFICATE, "due", {"since": current.next_due_on}, rulebook)
    return None


def evaluate(
    facts: VolunteerFacts,
    rulebook: Rulebook,
    on: date,
    language_code: str | None = None,
    minors: bool = False,
) -> Verdict:
    failures: list[Failure] = []
    requirement = rulebook.requirement

    if facts.status is not VolunteerStatus.ACTIVE:
        failures.append(Failure(QualificationRule.STATUS, "not_active", {"status": facts.status}, rulebook))
    if requirement is None:
        failures.append(Failure(QualificationRule.OFFER, "no_requirement", {}, rulebook))
        return Verdict(facts.profile_id, on, tuple(failures))
    if requirement.area not in facts.areas:
        failures.append(Failure(QualificationRule.OFFER, "area", {"area": requirement.area}, rulebook))
    if requirement.kind not in facts.kinds:
        failures.append(Failure(QualificationRule.OFFER, "kind", {"kind": requirement.kind}, rulebook))

    if requirement.min_german_level is not None and (
        facts.german_level is None or not facts.german_level.at_least(requirement.min_german_level)
    ):
        failures.append(
            Failure(
                QualificationRule.GERMAN,
                "level",
                {"needed": requirement.min_german_level, "has": facts.german_level},
                rulebook,
            )
        )

    minimum = requirement.min_language_level
    if language_code is not None:
        level = best_level(facts.languages, accepted_languages(language_code, rulebook.varieties))
        if level is None or not level.at_least(minimum):
            failures.append(
                Failure(
                    QualificationRule.LANGUAGE,
                    "level",
                    {"code": language_code, "needed": minimum, "has": level},
                    rulebook,
                )
            )
    elif minimum is not None and not any(
        level.at_least(minimum) for code, level in facts.languages.items() if code != "deu"
    ):
        failures.append(Failure(QualificationRule.LANGUAGE, "any", {"needed": minimum}, rulebook))

    for group in requirement.groups:
        failure = _check_group(group, facts, rulebook, on)
        if failure is not None:
            failures.append(failure)

    for declaration in rulebook.declarations:
        required = version_in_force(declaration.versions, on)
        if required is None:
            continue
        if not any(number >= required for number in facts.signed.get(declaration.id, ())):
            failures.append(
                Failure(
                    QualificationRule.DECLARATION,
                    "unsigned",
                    {"declaration_id": declaration.id, "number": required},
                    rulebook,
                )
            )

    if requirement.needs_police_certificate:
        failure = _check_certificate(facts, requirement, on, minors, rulebook)
        if failure is not None:
            failures.append(failure)

    return Verdict(facts.profile_id, on, tuple(failures))


# ---------------------------------------------------------------------------------------------
# Explanations, in the reader's language


def _date(value: date) -> str:
    return format_date(value)


def _type_name(failure: Failure, type_id: int) -> str:
    rule = failure.rulebook.types.get(type_id)
    return rule.name() if rule else str(type_id)


def _language_name(failure: Failure, code: str) -> str:
    names = failure.rulebook.language_names.get(code)
    return localized(names) if names else code


def _explain(failure: Failure) -> str:
    d = failure.details
    match (failure.rule, failure.reason):
        case (QualificationRule.STATUS, _):
            return _("The status is “%(status)s”, not active.", status=label(d["status"]))
        case (QualificationRule.OFFER, "area"):
            return _("Does not offer %(area)s.", area=label(d["area"]))
        case (QualificationRule.OFFER, "kind"):
            return _("Does not offer this kind of work: %(kind)s.", kind=label(d["kind"]))
        case (QualificationRule.OFFER, _):
            return _("The centre has not set requirements for this work yet.")
        case (QualificationRule.GERMAN, _):
            if d["has"] is None:
                return _("German at level %(needed)s is needed; no level is recorded.", needed=label(d["needed"]))
            return _(
                "German at level %(needed)s is needed; %(has)s is recorded.",
                needed=label(d["needed"]),
                has=label(d["has"]),
            )
        case (QualificationRule.LANGUAGE, "any"):
            return _("Another language at level %(needed)s or better is needed.", needed=label(d["needed"]))
        case (QualificationRule.LANGUAGE, _):
            language = _language_name(failure, d["code"])
            if d["has"] is None:
                return _("Does not speak %(language)s.", language=language)
            return _(
                "%(language)s at level %(needed)s is needed; %(has)s is recorded.",
                language=language,
                needed=label(d["needed"]),
                has=label(d["has"]),
            )
        case (QualificationRule.TRAINING, "expired"):
            expired = _(
                "%(training)s expired on %(date)s.", training=_type_name(failure, d["type_id"]), date=_date(d["until"])
            )
            if d.get("renewal_pending"):
                return expired + " " + _("A newer training waits for verification.")
            return expired
        case (QualificationRule.TRAINING, "refresher_due"):
            rule = failure.rulebook.types.get(d["type_id"])
            refreshers = sorted(_type_name(failure, r) for r in (rule.refresher_ids if rule else ()))
            due = _(
                "%(training)s needs a refresher (%(refreshers)s); it was due on %(date)s.",
                training=_type_name(failure, d["type_id"]),
                refreshers=_(" or ").join(refreshers),
                date=_date(d["until"]),
            )
            if d.get("renewal_pending"):
                return due + " " + _("A newer training waits for verification.")
            return due
        case (QualificationRule.TRAINING, "pending"):
            return _(
                "%(training)s is waiting for verification by the centre.", training=_type_name(failure, d["type_id"])
            )
        case (QualificationRule.TRAINING, _):
            names = [_type_name(failure, type_id) for type_id in d["type_ids"]]
            return _("A verified training is missing: one of %(trainings)s.", trainings=", ".join(sorted(names)))
        case (QualificationRule.DECLARATION, _):
            declaration = next(x for x in failure.rulebook.declarations if x.id == d["declaration_id"])
            return _(
                "The declaration “%(title)s” (version %(number)d) is not signed.",
                title=declaration.title(),
                number=d["number"],
            )
        case (QualificationRule.POLICE_CERTIFICATE, "extended_missing"):
            return _("With minors, an extended police certificate (§ 30a BZRG) is needed; none has been shown.")
        case (QualificationRule.POLICE_CERTIFICATE, "missing"):
            return _("No police certificate has been shown.")
        case (QualificationRule.POLICE_CERTIFICATE, "entries"):
            return _("The police certificate has entries.")
        case (QualificationRule.POLICE_CERTIFICATE, "due"):
            return _("The police certificate had to be shown again by %(date)s.", date=_date(d["since"]))
    return failure.reason
