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
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Select, false, literal, select, true

from ..extensions import db
from ..formatting import format_date
from ..labels import label
from ..models import (
    AcceptedType,
    Declaration,
    DeclarationSignature,
    DeclarationVersion,
    Language,
    PoliceCertificate,
    Qualification,
    QualificationType,
    Requirement,
    VolunteerLanguage,
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
from ..models.qualification import type_includes, type_refreshers
from ..texts import Texts, localized
from .id_lists import among
from .matching import accepted_languages, best_level
from .validity import counts_on, earliest, in_good_standing_until, inclusion_closure, version_in_force

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


@dataclass(slots=True)
class Failure:
    """A rule that said no, with what is needed to explain it in the reader's language."""

    rule: str
    reason: str
    details: Mapping[str, object] = field(default_factory=dict)
    rulebook: Rulebook | None = field(default=None, compare=False, repr=False)

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

    def failed(self, rule: str) -> bool:
        return any(failure.rule == rule for failure in self.failures)


AREAS = tuple(Area)
KINDS = tuple(WorkKind)
AREA_COLUMNS = tuple((area, f"area_{area.value}") for area in AREAS)
KIND_COLUMNS = tuple((kind, f"kind_{kind.value}") for kind in KINDS)

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
        level = best_level(facts.languages, accepted_languages(language_code, rulebook.varieties))
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
    return format_date(value)


def _type_name(failure: Failure, type_id: int) -> str:
    rule = failure.rulebook.types.get(type_id) if failure.rulebook else None
    return rule.name() if rule else str(type_id)


def _language_name(failure: Failure, code: str) -> str:
    names = failure.rulebook.language_names.get(code) if failure.rulebook else None
    return localized(names) if names else code


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


def load_rulebooks() -> dict[tuple[Area, WorkKind] | None, Rulebook]:
    """The rulebook of every area and kind (key None: the catalogue without a requirement), in
    five queries of plain columns (matching loads it for every ranking)."""
    connection = db.session.connection()
    requirements: dict[int, dict] = {}
    groups: dict[int, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
    for row in connection.execute(
        select(
            Requirement.id,
            Requirement.area,
            Requirement.kind,
            Requirement.min_language_level,
            Requirement.min_german_level,
            Requirement.needs_police_certificate,
            Requirement.extended_certificate_for_minors,
            AcceptedType.group,
            AcceptedType.type_id,
        ).outerjoin(AcceptedType, AcceptedType.requirement_id == Requirement.id)
    ):
        requirements[row.id] = row
        if row.type_id is not None:
            groups[row.id][row.group].add(row.type_id)
    links = connection.execute(
        select(type_includes.c.type_id, type_includes.c.included_type_id, literal("includes")).union_all(
            select(type_refreshers.c.type_id, type_refreshers.c.refresher_type_id, literal("refresher"))
        )
    ).all()
    types = connection.execute(
        select(
            QualificationType.id,
            QualificationType.names,
            QualificationType.refresher_months,
        )
    ).all()
    versions: dict[int, list[tuple[int, date]]] = defaultdict(list)
    declarations = {}
    for row in connection.execute(
        select(
            Declaration.id,
            Declaration.titles,
            Declaration.sort_order,
            DeclarationVersion.number,
            DeclarationVersion.effective_from,
        )
        .outerjoin(DeclarationVersion, DeclarationVersion.declaration_id == Declaration.id)
        .order_by(Declaration.sort_order, Declaration.id, DeclarationVersion.number)
    ):
        declarations[row.id] = row
        if row.number is not None:
            versions[row.id].append((row.number, row.effective_from))
    languages = connection.execute(select(Language.code, Language.names, Language.parent_code)).all()
    varieties: dict[str, set[str]] = defaultdict(set)
    for code, _names, parent in languages:
        if parent is not None:
            varieties[parent].add(code)

    includes: dict[int, list[int]] = {t.id: [] for t in types}
    refreshers: dict[int, set[int]] = defaultdict(set)
    for type_id, other_id, link in links:
        (includes[type_id].append if link == "includes" else refreshers[type_id].add)(other_id)
    base = Rulebook(
        requirement=None,
        types={t.id: TypeRule(t.id, t.names, t.refresher_months, frozenset(refreshers[t.id])) for t in types},
        closure=inclusion_closure(includes),
        declarations=tuple(DeclarationRule(d.id, d.titles, tuple(versions[d.id])) for d in declarations.values()),
        language_names={code: names for code, names, _parent in languages},
        varieties={code: frozenset(codes) for code, codes in varieties.items()},
    )
    books: dict[tuple[Area, WorkKind] | None, Rulebook] = {None: base}
    for requirement_id, row in requirements.items():
        by_group = groups[requirement_id]
        books[(row.area, row.kind)] = replace(
            base,
            requirement=RequirementRule(
                area=row.area,
                kind=row.kind,
                min_language_level=row.min_language_level,
                min_german_level=row.min_german_level,
                groups=tuple(frozenset(by_group[g]) for g in sorted(by_group)),
                needs_police_certificate=row.needs_police_certificate,
                extended_certificate_for_minors=row.extended_certificate_for_minors,
            ),
        )
    return books


def load_rulebook(area: Area, kind: WorkKind) -> Rulebook:
    books = load_rulebooks()
    return books.get((area, kind), books[None])


def may_pass(rulebook: Rulebook, language_level: ColumnElement | None = None) -> list[ColumnElement[bool]]:
    """SQL conditions on VolunteerProfile that everyone `evaluate` could allow meets, on any day:
    active, offers the area and kind, the levels, a verified training for every group, and a
    police certificate on record where one is needed. They only narrow what is loaded (matching
    runs over thousands of volunteers); `evaluate` still decides, with dates and versions.
    `language_level` is the volunteer's level of the assignment's language, joined by the caller."""
    requirement = rulebook.requirement
    if requirement is None:
        return [false()]
    conditions: list[ColumnElement[bool]] = [
        VolunteerProfile.status == VolunteerStatus.ACTIVE,
        getattr(VolunteerProfile, f"area_{requirement.area.value}").is_(True),
        getattr(VolunteerProfile, f"kind_{requirement.kind.value}").is_(True),
    ]
    if requirement.min_german_level is not None:
        conditions.append(VolunteerProfile.german_level.in_(levels_at_least(requirement.min_german_level)))
    if language_level is not None and requirement.min_language_level is not None:
        conditions.append(language_level.in_(levels_at_least(requirement.min_language_level)))
    for group in requirement.groups:
        # A training counts for the group if any type it counts as (itself or one it includes) is in it.
        counting = sorted(group | {type_id for type_id, counts_as in rulebook.closure.items() if counts_as & group})
        # An uncorrelated subquery: SQLite would otherwise walk the type's index once per volunteer.
        conditions.append(
            VolunteerProfile.id.in_(
                select(Qualification.profile_id).where(
                    Qualification.status == QualificationStatus.VERIFIED, Qualification.type_id.in_(counting)
                )
            )
        )
    if requirement.needs_police_certificate:
        conditions.append(VolunteerProfile.id.in_(select(PoliceCertificate.profile_id)))
    return conditions


def levels_at_least(minimum: LanguageLevel | None) -> list[LanguageLevel]:
    return [level for level in LanguageLevel if level.at_least(minimum)]


def load_facts(profile_ids: Iterable[int] | Select) -> dict[int, VolunteerFacts]:
    """Facts for many volunteers at once: five queries, however many there are."""
    ids = profile_ids if isinstance(profile_ids, Select) else list(profile_ids)
    # Core rows, not ORM objects: matching loads thousands of volunteers at once.
    connection = db.session.connection()
    profiles = connection.execute(
        select(
            VolunteerProfile.id,
            VolunteerProfile.status,
            VolunteerProfile.german_level,
            *(getattr(VolunteerProfile, column) for _, column in AREA_COLUMNS),
            *(getattr(VolunteerProfile, column) for _, column in KIND_COLUMNS),
        ).where(_within(VolunteerProfile.id, ids))
    ).all()
    spoken: dict[int, dict[str, LanguageLevel]] = defaultdict(dict)
    for profile_id, code, level in connection.execute(
        select(VolunteerLanguage.profile_id, VolunteerLanguage.language_code, VolunteerLanguage.level).where(
            _within(VolunteerLanguage.profile_id, ids)
        )
    ):
        spoken[profile_id][code] = level
    held = load_held(ids)
    return {
        p.id: VolunteerFacts(
            profile_id=p.id,
            status=p.status,
            areas=frozenset(area for area, column in AREA_COLUMNS if p._mapping[column]),
            kinds=frozenset(kind for kind, column in KIND_COLUMNS if p._mapping[column]),
            german_level=p.german_level,
            languages=spoken[p.id],
            **held.get(p.id, {}),
        )
        for p in profiles
    }


def load_held(profile_ids: list[int] | Select, type_ids: Collection[int] | None = None) -> dict[int, dict]:
    """What volunteers hold: trainings (only of `type_ids`, if given), declarations signed and
    police certificates, as keyword arguments of VolunteerFacts (three queries)."""
    connection = db.session.connection()
    qualifications: dict[int, list[HeldQualification]] = defaultdict(list)
    for row in connection.execute(
        select(
            Qualification.profile_id,
            Qualification.type_id,
            Qualification.status,
            Qualification.completed_on,
            Qualification.valid_until,
        ).where(
            _within(Qualification.profile_id, profile_ids),
            Qualification.type_id.is_not(None),
            Qualification.status.in_([QualificationStatus.VERIFIED, QualificationStatus.PENDING]),
            true() if type_ids is None else Qualification.type_id.in_(type_ids),
        )
    ):
        qualifications[row.profile_id].append(
            HeldQualification(row.type_id, row.status, row.completed_on, row.valid_until)
        )
    signed: dict[int, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
    for profile_id, declaration_id, number in connection.execute(
        select(DeclarationSignature.profile_id, DeclarationVersion.declaration_id, DeclarationVersion.number)
        .join(DeclarationVersion, DeclarationSignature.version_id == DeclarationVersion.id)
        .where(_within(DeclarationSignature.profile_id, profile_ids))
    ):
        signed[profile_id][declaration_id].add(number)
    certificates: dict[int, list[Certificate]] = defaultdict(list)
    for row in connection.execute(
        select(
            PoliceCertificate.profile_id,
            PoliceCertificate.kind,
            PoliceCertificate.shown_on,
            PoliceCertificate.next_due_on,
            PoliceCertificate.result,
        ).where(_within(PoliceCertificate.profile_id, profile_ids))
    ):
        certificates[row.profile_id].append(Certificate(row.kind, row.shown_on, row.next_due_on, row.result))
    return {
        profile_id: {
            "qualifications": tuple(qualifications[profile_id]),
            "signed": {key: frozenset(value) for key, value in signed[profile_id].items()},
            "certificates": tuple(certificates[profile_id]),
        }
        for profile_id in set(qualifications) | set(signed) | set(certificates)
    }


def _within(column, ids: list[int] | Select):
    return column.in_(ids) if isinstance(ids, Select) else among(column, ids)


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
    return [area for area in AREAS if getattr(profile, f"area_{area.value}")]


def offered_kinds(profile: VolunteerProfile) -> list[WorkKind]:
    return [kind for kind in KINDS if getattr(profile, f"kind_{kind.value}")]


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
