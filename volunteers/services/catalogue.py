"""What coordinators maintain about the work itself: the catalogue of trainings (qualification
types), the requirements per area and kind of work, and the declarations' texts.

Changing a type's validity does not touch trainings already verified: their `valid_until` was
fixed at verification. Requirements and refresher rules, by contrast, are read afresh by the
eligibility service on every check, so a change applies from the next check on.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..labels import label
from ..models import (
    AcceptedType,
    Declaration,
    DeclarationSignature,
    DeclarationVersion,
    QualificationType,
    Requirement,
    User,
    VolunteerProfile,
)
from ..models.enums import Area, LanguageLevel, QualificationArea, VolunteerStatus, WorkKind
from ..models.qualification import type_includes
from ..texts import FALLBACK, field_of, in_sql
from . import ServiceError, audit, onboarding
from .validity import version_in_force

CODE_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CODE_MAX_LENGTH = 60
NAME_MAX_LENGTH = 200
MAX_MONTHS = 240
MAX_TEACHING_UNITS = 10_000
MAX_SORT_ORDER = 100_000
#: Requirements have at most two groups: "one of these" and "and also one of these".
GROUPS = (1, 2)


def _locale() -> str:
    return str(get_locale() or "de")


def _name(kind: QualificationType) -> str:
    return kind.name(_locale())


def _require_coordinator(user: User) -> None:
    if not user.is_coordinator:
        raise ServiceError(_l("Only coordinators change the catalogue."))


def requirement_title(area: Area, kind: WorkKind) -> str:
    return f"{label(area)} – {label(kind)}"


# ---------------------------------------------------------------------------------------------
# Qualification types


def all_types() -> list[QualificationType]:
    """Every type with what it includes and what refreshes it: three queries however many."""
    return list(
        db.session.scalars(
            select(QualificationType)
            .options(selectinload(QualificationType.includes), selectinload(QualificationType.refreshers))
            .order_by(QualificationType.sort_order, QualificationType.id)
        )
    )


def get_type(type_id: int) -> QualificationType | None:
    return db.session.get(QualificationType, type_id)


@dataclass
class TypeData:
    """What the form says about a type; ids for the related types."""

    code: str
    #: The name per locale (texts.py); every one given must be filled in, German always.
    names: Mapping[str, str | None]
    area: QualificationArea
    teaching_units: int | None = None
    validity_months: int | None = None
    refresher_months: int | None = None
    refresher_ids: list[int] = field(default_factory=list)
    include_ids: list[int] = field(default_factory=list)
    active: bool = True
    sort_order: int = 100


def create_type(coordinator: User, data: TypeData) -> QualificationType:
    _require_coordinator(coordinator)
    kind = QualificationType()
    _apply(coordinator, kind, data, created=True)
    return kind


def update_type(coordinator: User, kind: QualificationType, data: TypeData) -> QualificationType:
    _require_coordinator(coordinator)
    _apply(coordinator, kind, data, created=False)
    return kind


def _apply(coordinator: User, kind: QualificationType, data: TypeData, *, created: bool) -> None:
    with db.session.no_autoflush:  # check everything before the object changes
        code = (data.code or "").strip()
        names = {locale: (value or "").strip() for locale, value in {FALLBACK: None, **data.names}.items()}
        _check_code(code, kind.id)
        for locale, value in names.items():
            if not value:
                raise ServiceError(_l("Enter the name."), field=field_of("name", locale))
            if len(value) > NAME_MAX_LENGTH:
                raise ServiceError(
                    _l("Use at most %(num)d characters.", num=NAME_MAX_LENGTH), field=field_of("name", locale)
                )
        _check_range(data.teaching_units, 0, MAX_TEACHING_UNITS, "teaching_units")
        _check_range(data.validity_months, 1, MAX_MONTHS, "validity_months")
        _check_range(data.refresher_months, 1, MAX_MONTHS, "refresher_months")
        _check_range(data.sort_order, 0, MAX_SORT_ORDER, "sort_order")
        refreshers = _load_types(data.refresher_ids, kind.id, "refreshers")
        includes = _load_types(data.include_ids, kind.id, "includes")
        if data.refresher_months is not None and not refreshers:
            raise ServiceError(
                _l("Choose at least one training that counts as a refresher, or leave the refresher months empty."),
                field="refreshers",
            )
        if refreshers and data.refresher_months is None:
            raise ServiceError(
                _l("Give the months after which a refresher is needed, or choose no refresher trainings."),
                field="refresher_months",
            )
        if kind.id is not None:
            _check_no_cycle(kind, includes)
            if kind.active and not data.active:
                _check_may_retire(kind)

    kind.code = code
    kind.names = {**(kind.names or {}), **names}
    kind.area = data.area
    kind.teaching_units = data.teaching_units
    kind.validity_months = data.validity_months
    kind.refresher_months = data.refresher_months
    kind.active = data.active
    kind.sort_order = data.sort_order
    kind.includes = includes
    kind.refreshers = refreshers
    if created:
        db.session.add(kind)
    db.session.flush()
    audit.record("catalogue.changed", actor=coordinator, type=kind.id, created=created)


def _check_code(code: str, own_id: int | None) -> None:
    if not code:
        raise ServiceError(_l("Enter a code."), field="code")
    if len(code) > CODE_MAX_LENGTH or not CODE_PATTERN.match(code):
        raise ServiceError(
            _l("Use lowercase letters, digits and single hyphens only, e.g. “health-module”."), field="code"
        )
    query = select(QualificationType.id).where(QualificationType.code == code)
    if own_id is not None:
        query = query.where(QualificationType.id != own_id)
    if db.session.scalar(query) is not None:
        raise ServiceError(_l("Another training already has this code."), field="code")


def _check_range(value: int | None, low: int, high: int, field_name: str) -> None:
    if value is not None and not low <= value <= high:
        raise ServiceError(_l("Enter a number from %(low)d to %(high)d.", low=low, high=high), field=field_name)


def _load_types(ids: list[int], own_id: int | None, field_name: str) -> list[QualificationType]:
    wanted = set(ids or ())
    if own_id is not None and own_id in wanted:
        message = (
            _l("A training cannot include itself.")
            if field_name == "includes"
            else _l("A training cannot be its own refresher.")
        )
        raise ServiceError(message, field=field_name)
    if not wanted:
        return []
    found = list(
        db.session.scalars(
            select(QualificationType).where(QualificationType.id.in_(wanted)).order_by(QualificationType.sort_order)
        )
    )
    if len(found) != len(wanted):
        raise ServiceError(_l("One of the chosen trainings no longer exists. Please check the list."), field=field_name)
    return found


def _check_no_cycle(kind: QualificationType, includes: list[QualificationType]) -> None:
    """Refuses an inclusion that leads back to the type itself, naming the cycle."""
    graph: dict[int, list[int]] = defaultdict(list)
    for type_id, included_id in db.session.execute(
        select(type_includes.c.type_id, type_includes.c.included_type_id).order_by(
            type_includes.c.type_id, type_includes.c.included_type_id
        )
    ):
        if type_id != kind.id:
            graph[type_id].append(included_id)
    graph[kind.id] = [other.id for other in includes]
    path = _path_back(graph, kind.id)
    if path is None:
        return
    column = in_sql(QualificationType.names, _locale())
    names = dict(db.session.execute(select(QualificationType.id, column).where(QualificationType.id.in_(path))).all())
    cycle = " → ".join(names.get(type_id, str(type_id)) for type_id in path)
    raise ServiceError(
        _l("This would make the trainings include each other in a circle: %(cycle)s.", cycle=cycle), field="includes"
    )


def _path_back(graph: dict[int, list[int]], start: int) -> list[int] | None:
    """A path start → … → start along the graph, if there is one (depth first)."""
    stack: list[tuple[int, list[int]]] = [(nxt, [start, nxt]) for nxt in reversed(graph.get(start, []))]
    seen: set[int] = set()
    while stack:
        node, path = stack.pop()
        if node == start:
            return path
        if node in seen:
            continue
        seen.add(node)
        for nxt in reversed(graph.get(node, [])):
            stack.append((nxt, [*path, nxt]))
    return None


def _check_may_retire(kind: QualificationType) -> None:
    rows = db.session.execute(
        select(Requirement.area, Requirement.kind)
        .join(AcceptedType, AcceptedType.requirement_id == Requirement.id)
        .where(AcceptedType.type_id == kind.id)
        .distinct()
    ).all()
    if rows:
        order = {(area, work): index for index, (area, work) in enumerate(all_combinations())}
        pairs = sorted(((area, work) for area, work in rows), key=lambda pair: order[pair])
        titles = [requirement_title(area, work) for area, work in pairs]
        raise ServiceError(
            _l(
                "This training cannot be retired while requirements accept it: %(requirements)s. "
                "Remove it from those requirements first.",
                requirements="; ".join(titles),
            ),
            field="active",
        )


# ---------------------------------------------------------------------------------------------
# Requirements


def all_combinations() -> list[tuple[Area, WorkKind]]:
    return [(area, kind) for area in Area for kind in WorkKind]


@dataclass(frozen=True)
class RequirementRow:
    area: Area
    kind: WorkKind
    requirement: Requirement | None

    def group(self, number: int) -> list[QualificationType]:
        if self.requirement is None:
            return []
        found = [accepted.type for accepted in self.requirement.accepted if accepted.group == number]
        return sorted(found, key=lambda kind: (kind.sort_order, kind.id))


def requirement_table() -> list[RequirementRow]:
    """Every area × kind, with its requirement if there is one: three queries."""
    rows = db.session.scalars(
        select(Requirement).options(selectinload(Requirement.accepted).selectinload(AcceptedType.type))
    ).all()
    by_key = {(row.area, row.kind): row for row in rows}
    return [RequirementRow(area, kind, by_key.get((area, kind))) for area, kind in all_combinations()]


def get_requirement(area: Area, kind: WorkKind) -> Requirement | None:
    return db.session.scalar(
        select(Requirement)
        .where(Requirement.area == area, Requirement.kind == kind)
        .options(selectinload(Requirement.accepted))
    )


@dataclass
class RequirementData:
    min_german_level: LanguageLevel | None
    min_language_level: LanguageLevel | None
    needs_police_certificate: bool
    extended_certificate_for_minors: bool
    group1: list[int] = field(default_factory=list)
    group2: list[int] = field(default_factory=list)


def save_requirement(coordinator: User, area: Area, kind: WorkKind, data: RequirementData) -> Requirement:
    """Sets what a volunteer needs for this area and kind; creates the row the first time."""
    _require_coordinator(coordinator)
    with db.session.no_autoflush:
        group1 = set(data.group1 or ())
        group2 = set(data.group2 or ())
        if not group1:
            raise ServiceError(_l("Choose at least one training that is accepted."), field="group1")
        if group1 & group2:
            raise ServiceError(
                _l("A training cannot be in both groups: the second group asks for a further training."),
                field="group2",
            )
        if data.extended_certificate_for_minors and not data.needs_police_certificate:
            raise ServiceError(
                _l(
                    "The extended certificate for work with minors can only be asked for when a police "
                    "certificate is needed at all."
                ),
                field="extended_certificate_for_minors",
            )
        types = {
            kind.id: kind
            for kind in db.session.scalars(select(QualificationType).where(QualificationType.id.in_(group1 | group2)))
        }
        for field_name, ids in (("group1", group1), ("group2", group2)):
            if not ids <= types.keys():
                raise ServiceError(
                    _l("One of the chosen trainings no longer exists. Please check the list."), field=field_name
                )
            retired = sorted(_name(types[type_id]) for type_id in ids if not types[type_id].active)
            if retired:
                raise ServiceError(
                    _l("Retired trainings cannot be accepted: %(names)s.", names=", ".join(retired)), field=field_name
                )

        requirement = get_requirement(area, kind)
        created = requirement is None
        if requirement is None:
            requirement = Requirement(area=area, kind=kind)
            db.session.add(requirement)
        wanted = {(type_id, 1) for type_id in group1} | {(type_id, 2) for type_id in group2}
        kept = [accepted for accepted in requirement.accepted if (accepted.type_id, accepted.group) in wanted]
        present = {(accepted.type_id, accepted.group) for accepted in kept}
        added = [
            AcceptedType(type_id=type_id, group=group)
            for type_id, group in sorted(wanted - present, key=lambda x: x[1])
        ]
        requirement.min_german_level = data.min_german_level
        requirement.min_language_level = data.min_language_level
        requirement.needs_police_certificate = data.needs_police_certificate
        requirement.extended_certificate_for_minors = data.extended_certificate_for_minors
        requirement.accepted = kept + added
    db.session.flush()
    audit.record("requirement.changed", actor=coordinator, area=area.value, kind=kind.value, created=created)
    return requirement


# ---------------------------------------------------------------------------------------------
# Declarations


@dataclass(frozen=True)
class DeclarationOverview:
    declaration: Declaration
    #: Number of the version required today (None before the first takes effect).
    in_force: int | None
    #: Version id -> how many active volunteers signed that version.
    signed: dict[int, int]
    active_volunteers: int

    @property
    def newest(self) -> DeclarationVersion | None:
        return self.declaration.versions[-1] if self.declaration.versions else None

    @property
    def signed_newest(self) -> int:
        newest = self.newest
        return self.signed.get(newest.id, 0) if newest is not None else 0

    def state(self, version: DeclarationVersion) -> str:
        """One of "future", "in_force" or "replaced"."""
        if self.in_force is None or version.number > self.in_force:
            return "future"
        return "in_force" if version.number == self.in_force else "replaced"


def declaration_overview(today: date) -> list[DeclarationOverview]:
    """Every declaration with its versions and how many active volunteers signed each one:
    four queries, however many volunteers there are."""
    declarations = db.session.scalars(
        select(Declaration).options(selectinload(Declaration.versions)).order_by(Declaration.sort_order, Declaration.id)
    ).all()
    signed = dict(
        db.session.execute(
            select(DeclarationSignature.version_id, func.count(func.distinct(DeclarationSignature.profile_id)))
            .join(VolunteerProfile, VolunteerProfile.id == DeclarationSignature.profile_id)
            .where(VolunteerProfile.status == VolunteerStatus.ACTIVE)
            .group_by(DeclarationSignature.version_id)
        ).all()
    )
    active = db.session.scalar(
        select(func.count(VolunteerProfile.id)).where(VolunteerProfile.status == VolunteerStatus.ACTIVE)
    )
    return [
        DeclarationOverview(
            declaration=declaration,
            in_force=version_in_force([(v.number, v.effective_from) for v in declaration.versions], today),
            signed={v.id: signed.get(v.id, 0) for v in declaration.versions},
            active_volunteers=active or 0,
        )
        for declaration in declarations
    ]


def add_declaration_version(
    coordinator: User, declaration: Declaration, bodies: Mapping[str, str | None], effective_from: date, today: date
) -> DeclarationVersion:
    """A new text (see `onboarding.add_version`), unless it is the newest text unchanged: that
    would ask every volunteer to sign the same words again."""
    newest = declaration.versions[-1] if declaration.versions else None
    if newest is not None and all(
        (body or "").strip() == (newest.bodies.get(locale) or "").strip() for locale, body in bodies.items()
    ):
        raise ServiceError(
            _l("Both texts are the same as the newest version. Change the text before adding it as a new version."),
            field=field_of("body", FALLBACK),
        )
    return onboarding.add_version(coordinator, declaration, bodies, effective_from, today)
