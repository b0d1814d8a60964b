"""May this volunteer do area A / kind K on date D? One answer for one volunteer or many.

`evaluate` is pure: facts about a volunteer and the rulebook in, a verdict with the rules that
failed out. `check_many` loads the facts for a whole set of volunteers in a fixed number of
queries (matching calls it for every candidate of a request), and `check` is the same for one.

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

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..labels import label
from ..models import (
    Declaration,
    DeclarationSignature,
    DeclarationVersion,
    Language,
    PoliceCertificate,
    Qualification,
    QualificationType,
    Requirement,
    VolunteerProfile,
)
from ..models.enums import (
    Area,
    CertificateKind,
    CertificateResult,
    LanguageLevel,
    QualificationStatus,
    VolunteerStatus,
    WorkKind,
)
from .validity import counts_on, earliest, in_good_standing_until, inclusion_closure, version_in_force

# ---------------------------------------------------------------------------------------------
# Plain facts and rules


@dataclass(frozen=True)
class TypeRule:
    id: int
    name_de: str
    name_en: str
    refresher_months: int | None
    refresher_ids: frozenset[int]

    def name(self) -> str:
        return self.name_de if str(get_locale() or "de").startswith("de") else self.name_en


@dataclass(frozen=True)
class DeclarationRule:
    id: int
    title_de: str
    title_en: str
    #: (number, effective from)
    versions: tuple[tuple[int, date], ...]

    def title(self) -> str:
        return self.title_de if str(get_locale() or "de").startswith("de") else self.title_en


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
    language_names: Mapping[str, tuple[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class HeldQualification:
    type_id: int
    status: QualificationStatus
    completed_on: date
    valid_until: date | None


@dataclass(frozen=True)
class Certificate:
    kind: CertificateKind
    shown_on: date
    next_due_on: date
    result: CertificateResult


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class Failure:
    """A rule that said no, with what is needed to explain it in the reader's language."""

    rule: str
    reason: str
    details: Mapping[str, object] = field(default_factory=dict)
    rulebook: Rulebook | None = field(default=None, compare=False, repr=False)

    @property
    def message(self) -> str:
        return _explain(self)


@dataclass(frozen=True)
class Verdict:
    profile_id: int
    on: date
    failures: tuple[Failure, ...]

    @property
    def allowed(self) -> bool:
        return not self.failures

    def failed(self, rule: str) -> bool:
        return any(failure.rule == rule for failure in self.failures)


RULES = ("status", "offer", "german", "language", "qualification", "declaration", "police_certificate")

# ---------------------------------------------------------------------------------------------
# The pure evaluation


def qualification_until(held: HeldQualification, facts: VolunteerFacts, rulebook: Rulebook, on: date):
    """The last day this training counts on `on`'s terms (validity and refresher standing)."""
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
            "qualification",
            reason,
            {"type_id": type_id, "until": until, "renewal_pending": pending is not None},
            rulebook,
        )
    if pending is not None:
        return Failure("qualification", "pending", {"type_id": pending}, rulebook)
    return Failure("qualification", "missing", {"type_ids": tuple(sorted(group))}, rulebook)


def _check_certificate(
    facts: VolunteerFacts, requirement: RequirementRule, on: date, minors: bool, rulebook: Rulebook
) -> Failure | None:
    needs_extended = minors and requirement.extended_certificate_for_minors
    shown = sorted((c for c in facts.certificates if c.shown_on <= on), key=lambda c: c.shown_on, reverse=True)
    # Entries on the newest certificate count, whatever its kind.
    if shown and shown[0].result is CertificateResult.ENTRIES:
        return Failure("police_certificate", "entries", {}, rulebook)
    if needs_extended:
        shown = [c for c in shown if c.kind is CertificateKind.EXTENDED]
    if not shown:
        return Failure("police_certificate", "extended_missing" if needs_extended else "missing", {}, rulebook)
    current = shown[0]
    if current.result is CertificateResult.ENTRIES:
        return Failure("police_certificate", "entries", {}, rulebook)
    if on >= current.next_due_on:
        return Failure("police_certificate", "due", {"since": current.next_due_on}, rulebook)
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
        failures.append(Failure("status", "not_active", {"status": facts.status}, rulebook))
    if requirement is None:
        failures.append(Failure("offer", "no_requirement", {}, rulebook))
        return Verdict(facts.profile_id, on, tuple(failures))
    if requirement.area not in facts.areas:
        failures.append(Failure("offer", "area", {"area": requirement.area}, rulebook))
    if requirement.kind not in facts.kinds:
        failures.append(Failure("offer", "kind", {"kind": requirement.kind}, rulebook))

    if requirement.min_german_level is not None and (
        facts.german_level is None or not facts.german_level.at_least(requirement.min_german_level)
    ):
        failures.append(
            Failure("german", "level", {"needed": requirement.min_german_level, "has": facts.german_level}, rulebook)
        )

    minimum = requirement.min_language_level
    if language_code is not None:
        level = facts.languages.get(language_code)
        if level is None or not level.at_least(minimum):
            failures.append(
                Failure("language", "level", {"code": language_code, "needed": minimum, "has": level}, rulebook)
            )
    elif minimum is not None and not any(
        level.at_least(minimum) for code, level in facts.languages.items() if code != "deu"
    ):
        failures.append(Failure("language", "any", {"needed": minimum}, rulebook))

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
                Failure("declaration", "unsigned", {"declaration_id": declaration.id, "number": required}, rulebook)
            )

    if requirement.needs_police_certificate:
        failure = _check_certificate(facts, requirement, on, minors, rulebook)
        if failure is not None:
            failures.append(failure)

    return Verdict(facts.profile_id, on, tuple(failures))


# ---------------------------------------------------------------------------------------------
# Explanations, in the reader's language


def _date(value: date) -> str:
    return format_date(value, "medium")


def _type_name(failure: Failure, type_id: int) -> str:
    rule = failure.rulebook.types.get(type_id) if failure.rulebook else None
    return rule.name() if rule else str(type_id)


def _language_name(failure: Failure, code: str) -> str:
    names = failure.rulebook.language_names.get(code) if failure.rulebook else None
    if not names:
        return code
    return names[0] if str(get_locale() or "de").startswith("de") else names[1]


def _explain(failure: Failure) -> str:
    d = failure.details
    match (failure.rule, failure.reason):
        case ("status", _):
            return _("The status is “%(status)s”, not active.", status=label(d["status"]))
        case ("offer", "area"):
            return _("Does not offer %(area)s.", area=label(d["area"]))
        case ("offer", "kind"):
            return _("Does not offer this kind of work: %(kind)s.", kind=label(d["kind"]))
        case ("offer", _):
            return _("The centre has not set requirements for this work yet.")
        case ("german", _):
            if d["has"] is None:
                return _("German at level %(needed)s is needed; no level is recorded.", needed=label(d["needed"]))
            return _(
                "German at level %(needed)s is needed; %(has)s is recorded.",
                needed=label(d["needed"]),
                has=label(d["has"]),
            )
        case ("language", "any"):
            return _("Another language at level %(needed)s or better is needed.", needed=label(d["needed"]))
        case ("language", _):
            language = _language_name(failure, d["code"])
            if d["has"] is None:
                return _("Does not speak %(language)s.", language=language)
            return _(
                "%(language)s at level %(needed)s is needed; %(has)s is recorded.",
                language=language,
                needed=label(d["needed"]),
                has=label(d["has"]),
            )
        case ("qualification", "expired"):
            expired = _(
                "%(training)s expired on %(date)s.", training=_type_name(failure, d["type_id"]), date=_date(d["until"])
            )
            if d.get("renewal_pending"):
                return expired + " " + _("A newer training waits for verification.")
            return expired
        case ("qualification", "refresher_due"):
            rule = failure.rulebook.types.get(d["type_id"]) if failure.rulebook else None
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
        case ("qualification", "pending"):
            return _(
                "%(training)s is waiting for verification by the centre.", training=_type_name(failure, d["type_id"])
            )
        case ("qualification", _):
            names = [_type_name(failure, type_id) for type_id in d["type_ids"]]
            return _("A verified training is missing: one of %(trainings)s.", trainings=", ".join(sorted(names)))
        case ("declaration", _):
            declaration = next(x for x in failure.rulebook.declarations if x.id == d["declaration_id"])
            return _(
                "The declaration “%(title)s” (version %(number)d) is not signed.",
                title=declaration.title(),
                number=d["number"],
            )
        case ("police_certificate", "extended_missing"):
            return _("With minors, an extended police certificate (§ 30a BZRG) is needed; none has been shown.")
        case ("police_certificate", "missing"):
            return _("No police certificate has been shown.")
        case ("police_certificate", "entries"):
            return _("The police certificate has entries.")
        case ("police_certificate", "due"):
            return _("The police certificate had to be shown again by %(date)s.", date=_date(d["since"]))
    return failure.reason


# ---------------------------------------------------------------------------------------------
# Loading, in a fixed number of queries


def _requirement_rule(row: Requirement) -> RequirementRule:
    groups: dict[int, set[int]] = defaultdict(set)
    for accepted in row.accepted:
        groups[accepted.group].add(accepted.type_id)
    return RequirementRule(
        area=row.area,
        kind=row.kind,
        min_language_level=row.min_language_level,
        min_german_level=row.min_german_level,
        groups=tuple(frozenset(groups[g]) for g in sorted(groups)),
        needs_police_certificate=row.needs_police_certificate,
        extended_certificate_for_minors=row.extended_certificate_for_minors,
    )


def load_rulebooks() -> dict[tuple[Area, WorkKind] | None, Rulebook]:
    """The rulebook of every area and kind (key None: the catalogue without a requirement),
    in eight queries."""
    requirements = db.session.scalars(select(Requirement).options(selectinload(Requirement.accepted))).all()
    types = db.session.scalars(
        select(QualificationType).options(
            selectinload(QualificationType.includes), selectinload(QualificationType.refreshers)
        )
    ).all()
    declarations = db.session.scalars(select(Declaration).options(selectinload(Declaration.versions))).all()
    languages = db.session.execute(select(Language.code, Language.name_de, Language.name_en)).all()
    base = Rulebook(
        requirement=None,
        types={
            t.id: TypeRule(t.id, t.name_de, t.name_en, t.refresher_months, frozenset(r.id for r in t.refreshers))
            for t in types
        },
        closure=inclusion_closure({t.id: [i.id for i in t.includes] for t in types}),
        declarations=tuple(
            DeclarationRule(d.id, d.title_de, d.title_en, tuple((v.number, v.effective_from) for v in d.versions))
            for d in sorted(declarations, key=lambda d: d.sort_order)
        ),
        language_names={code: (de, en) for code, de, en in languages},
    )
    books: dict[tuple[Area, WorkKind] | None, Rulebook] = {None: base}
    for row in requirements:
        books[(row.area, row.kind)] = replace(base, requirement=_requirement_rule(row))
    return books


def load_rulebook(area: Area, kind: WorkKind) -> Rulebook:
    books = load_rulebooks()
    return books.get((area, kind), books[None])


def load_facts(profile_ids: Iterable[int] | Select) -> dict[int, VolunteerFacts]:
    """Facts for many volunteers at once: five queries, however many there are."""
    ids = profile_ids if isinstance(profile_ids, Select) else list(profile_ids)
    profiles = db.session.scalars(
        select(VolunteerProfile).where(VolunteerProfile.id.in_(ids)).options(selectinload(VolunteerProfile.languages))
    ).all()
    qualifications: dict[int, list[HeldQualification]] = defaultdict(list)
    for row in db.session.execute(
        select(
            Qualification.profile_id,
            Qualification.type_id,
            Qualification.status,
            Qualification.completed_on,
            Qualification.valid_until,
        ).where(
            Qualification.profile_id.in_(ids),
            Qualification.type_id.is_not(None),
            Qualification.status.in_([QualificationStatus.VERIFIED, QualificationStatus.PENDING]),
        )
    ):
        qualifications[row.profile_id].append(
            HeldQualification(row.type_id, row.status, row.completed_on, row.valid_until)
        )
    signed: dict[int, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
    for profile_id, declaration_id, number in db.session.execute(
        select(DeclarationSignature.profile_id, DeclarationVersion.declaration_id, DeclarationVersion.number)
        .join(DeclarationVersion, DeclarationSignature.version_id == DeclarationVersion.id)
        .where(DeclarationSignature.profile_id.in_(ids))
    ):
        signed[profile_id][declaration_id].add(number)
    certificates: dict[int, list[Certificate]] = defaultdict(list)
    for row in db.session.execute(
        select(
            PoliceCertificate.profile_id,
            PoliceCertificate.kind,
            PoliceCertificate.shown_on,
            PoliceCertificate.next_due_on,
            PoliceCertificate.result,
        ).where(PoliceCertificate.profile_id.in_(ids))
    ):
        certificates[row.profile_id].append(Certificate(row.kind, row.shown_on, row.next_due_on, row.result))

    return {
        p.id: VolunteerFacts(
            profile_id=p.id,
            status=p.status,
            areas=frozenset(offered_areas(p)),
            kinds=frozenset(offered_kinds(p)),
            german_level=p.german_level,
            languages={entry.language_code: entry.level for entry in p.languages},
            qualifications=tuple(qualifications[p.id]),
            signed={key: frozenset(value) for key, value in signed[p.id].items()},
            certificates=tuple(certificates[p.id]),
        )
        for p in profiles
    }


def check_many(
    profile_ids: Iterable[int] | Select,
    area: Area,
    kind: WorkKind,
    on: date,
    language_code: str | None = None,
    minors: bool = False,
    rulebook: Rulebook | None = None,
) -> dict[int, Verdict]:
    rulebook = rulebook or load_rulebook(area, kind)
    return {
        profile_id: evaluate(facts, rulebook, on, language_code, minors)
        for profile_id, facts in load_facts(profile_ids).items()
    }


def check(
    profile: VolunteerProfile,
    area: Area,
    kind: WorkKind,
    on: date,
    language_code: str | None = None,
    minors: bool = False,
) -> Verdict:
    return check_many([profile.id], area, kind, on, language_code, minors)[profile.id]


def offered_areas(profile: VolunteerProfile) -> list[Area]:
    return [area for area in Area if getattr(profile, f"area_{area.value}")]


def offered_kinds(profile: VolunteerProfile) -> list[WorkKind]:
    return [kind for kind in WorkKind if getattr(profile, f"kind_{kind.value}")]


def offered_work(profile: VolunteerProfile) -> list[tuple[Area, WorkKind]]:
    return [(area, kind) for area in offered_areas(profile) for kind in offered_kinds(profile)]


def readiness(profile: VolunteerProfile, on: date) -> list[tuple[Area, WorkKind, Verdict]]:
    """For each area and kind the volunteer offers, whether they may do it on `on`, and why not."""
    facts = load_facts([profile.id]).get(profile.id)
    if facts is None:
        return []
    books = load_rulebooks()
    return [
        (area, kind, evaluate(facts, books.get((area, kind), books[None]), on)) for area, kind in offered_work(profile)
    ]
