"""May this volunteer do area A / kind K on date D? One answer for one volunteer or many.

The rules, their verdicts and their explanations are pure (services/qualification_rules.py);
this module loads what they need: `load_rulebooks` the rules of every area and kind,
`load_facts` the facts of a whole set of volunteers in a fixed number of queries (matching
calls it for every candidate of a request), `check_many` the verdicts for them, and `check`
the same for one. `may_pass` is the necessary condition the candidates' query narrows with.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import replace
from datetime import date
from typing import TypedDict

from sqlalchemy import ColumnElement, Select, SQLColumnExpression, false, literal, select, true

from ..extensions import db
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
    LanguageLevel,
    QualificationStatus,
    VolunteerStatus,
    WorkKind,
)
from ..models.qualification import type_includes, type_refreshers
from .id_lists import among
from .qualification_rules import (
    AREA_COLUMNS,
    AREAS,
    KIND_COLUMNS,
    KINDS,
    Certificate,
    DeclarationRule,
    HeldQualification,
    RequirementRule,
    Rulebook,
    TypeRule,
    Verdict,
    VolunteerFacts,
    evaluate,
)
from .validity import inclusion_closure

# ---------------------------------------------------------------------------------------------
# Loading, in a fixed number of queries


def load_rulebooks() -> dict[tuple[Area, WorkKind] | None, Rulebook]:
    """The rulebook of every area and kind (key None: the catalogue without a requirement), in
    five queries of plain columns (matching loads it for every ranking)."""
    connection = db.session.connection()
    requirements = {}
    groups: dict[int, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
    for requirement in connection.execute(
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
        requirements[requirement.id] = requirement
        if requirement.type_id is not None:
            groups[requirement.id][requirement.group].add(requirement.type_id)
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
    for declaration in connection.execute(
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
        declarations[declaration.id] = declaration
        if declaration.number is not None:
            versions[declaration.id].append((declaration.number, declaration.effective_from))
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
    for requirement_id, requirement in requirements.items():
        by_group = groups[requirement_id]
        books[(requirement.area, requirement.kind)] = replace(
            base,
            requirement=RequirementRule(
                area=requirement.area,
                kind=requirement.kind,
                min_language_level=requirement.min_language_level,
                min_german_level=requirement.min_german_level,
                groups=tuple(frozenset(by_group[g]) for g in sorted(by_group)),
                needs_police_certificate=requirement.needs_police_certificate,
                extended_certificate_for_minors=requirement.extended_certificate_for_minors,
            ),
        )
    return books


def load_rulebook(area: Area, kind: WorkKind) -> Rulebook:
    books = load_rulebooks()
    return books.get((area, kind), books[None])


def may_pass(
    rulebook: Rulebook, language_level: SQLColumnExpression[LanguageLevel] | None = None
) -> list[ColumnElement[bool]]:
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


def load_facts(profile_ids: Iterable[int] | Select[int]) -> dict[int, VolunteerFacts]:
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


class Held(TypedDict, total=False):
    """What a volunteer holds, as keyword arguments of VolunteerFacts."""

    qualifications: tuple[HeldQualification, ...]
    signed: dict[int, frozenset[int]]
    certificates: tuple[Certificate, ...]


def load_held(profile_ids: list[int] | Select[int], type_ids: Collection[int] | None = None) -> dict[int, Held]:
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
    for certificate in connection.execute(
        select(
            PoliceCertificate.profile_id,
            PoliceCertificate.kind,
            PoliceCertificate.shown_on,
            PoliceCertificate.next_due_on,
            PoliceCertificate.result,
        ).where(_within(PoliceCertificate.profile_id, profile_ids))
    ):
        certificates[certificate.profile_id].append(
            Certificate(certificate.kind, certificate.shown_on, certificate.next_due_on, certificate.result)
        )
    return {
        profile_id: {
            "qualifications": tuple(qualifications[profile_id]),
            "signed": {key: frozenset(value) for key, value in signed[profile_id].items()},
            "certificates": tuple(certificates[profile_id]),
        }
        for profile_id in set(qualifications) | set(signed) | set(certificates)
    }


def _within(column: SQLColumnExpression[int], ids: list[int] | Select[int]) -> ColumnElement[bool]:
    return column.in_(ids) if isinstance(ids, Select) else among(column, ids)


def check_many(
    profile_ids: Iterable[int] | Select[int],
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
