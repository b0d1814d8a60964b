"""The coordinators' list of volunteers: filters, and the CSV export of what they filtered.

Filters that the database can answer are SQL; "qualified on a date" asks the eligibility
service for the whole filtered set at once, and "expiring soon" asks the expiry service, so
the number of queries never grows with the number of volunteers.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.orm import selectinload

from .. import phones
from ..extensions import db
from ..labels import label, languages_spoken
from ..models import Qualification, User, VolunteerLanguage, VolunteerProfile
from ..models.enums import Area, LanguageLevel, QualificationStatus, VolunteerStatus, WorkKind
from . import audit, eligibility, expiry, languages, spreadsheets

EXPIRING_DAYS = 90


@dataclass(frozen=True)
class Criteria:
    name: str = ""
    place_id: int | None = None
    language_code: str | None = None
    min_level: LanguageLevel | None = None
    area: Area | None = None
    kind: WorkKind | None = None
    #: With area and kind: only those who may do that work on this day.
    qualified_on: date | None = None
    status: VolunteerStatus | None = None
    expiring_soon: bool = False


def _levels_at_least(minimum: LanguageLevel | None) -> list[LanguageLevel]:
    return [level for level in LanguageLevel if level.at_least(minimum)]


def _filtered(query: Select, criteria: Criteria, today: date) -> Select:
    """`query` (over VolunteerProfile joined with User) narrowed to the profiles that pass every
    filter, in the same query: the list is not matched against a second copy of itself."""
    if criteria.name:
        pattern = f"%{criteria.name.strip().lower()}%"
        full_name = func.lower(User.given_name + " " + User.family_name)
        query = query.where(or_(full_name.like(pattern), User.email.like(pattern)))
    if criteria.place_id:
        query = query.where(VolunteerProfile.home_place_id == criteria.place_id)
    if criteria.status is not None:
        query = query.where(VolunteerProfile.status == criteria.status)
    if criteria.language_code:
        query = query.where(
            exists().where(
                VolunteerLanguage.profile_id == VolunteerProfile.id,
                VolunteerLanguage.language_code.in_(sorted(languages.accepted_for(criteria.language_code))),
                VolunteerLanguage.level.in_(_levels_at_least(criteria.min_level)),
            )
        )
    if criteria.area is not None:
        query = query.where(getattr(VolunteerProfile, f"area_{criteria.area.value}").is_(True))
    if criteria.kind is not None:
        query = query.where(getattr(VolunteerProfile, f"kind_{criteria.kind.value}").is_(True))
    if criteria.expiring_soon:
        ids = {ending.profile.id for ending in expiry.endings(today, EXPIRING_DAYS)}
        query = query.where(VolunteerProfile.id.in_(ids))
    if criteria.qualified_on is not None and criteria.area is not None and criteria.kind is not None:
        rulebook = eligibility.load_rulebook(criteria.area, criteria.kind)
        # What the qualification rules could allow on any day narrows in SQL first (as the
        # ranking does); the rules then decide for those alone, on the day.
        candidates = _base_ids().where(*eligibility.may_pass(rulebook))
        # Read once: the facts are loaded in five queries that would each run the filters again.
        candidate_ids = db.session.scalars(_filtered(candidates, replace(criteria, qualified_on=None), today)).all()
        verdicts = eligibility.check_many(
            candidate_ids,
            criteria.area,
            criteria.kind,
            criteria.qualified_on,
            language_code=criteria.language_code,
            rulebook=rulebook,
        )
        query = query.where(VolunteerProfile.id.in_([pid for pid, v in verdicts.items() if v.allowed]))
    return query


def _base_ids() -> Select:
    return select(VolunteerProfile.id).join(User, VolunteerProfile.user_id == User.id)


def matching_ids(criteria: Criteria, today: date) -> Select:
    """A SELECT of the ids of the profiles that pass every filter."""
    return _filtered(_base_ids(), criteria, today)


def listing(criteria: Criteria, today: date) -> Select:
    """The volunteers themselves, ordered by name, with what the list shows loaded alongside."""
    query = select(VolunteerProfile).join(User, VolunteerProfile.user_id == User.id)
    return (
        _filtered(query, criteria, today)
        .options(
            selectinload(VolunteerProfile.user),
            selectinload(VolunteerProfile.home_place),
            selectinload(VolunteerProfile.languages).selectinload(VolunteerLanguage.language),
        )
        .order_by(func.lower(User.family_name), func.lower(User.given_name), VolunteerProfile.id)
    )


def pending_trainings(profile_ids: list[int]) -> dict[int, int]:
    """How many trainings wait for verification, per volunteer, in one query."""
    rows = db.session.execute(
        select(Qualification.profile_id, func.count(Qualification.id))
        .where(Qualification.profile_id.in_(profile_ids), Qualification.status == QualificationStatus.PENDING)
        .group_by(Qualification.profile_id)
    )
    return dict(rows.all())


class ExportFormat(enum.Enum):
    CSV = "csv"
    XLSX = "xlsx"


def export(
    actor: User, criteria: Criteria, today: date, headers: list[str], file_format: ExportFormat, title: str
) -> bytes:
    """The filtered list as a file for spreadsheet programs; the download is audited (who,
    which format, how many and which profiles: ids only, never the search text)."""
    profiles = db.session.scalars(listing(criteria, today)).all()
    rows: list[list[str]] = [headers]
    for profile in profiles:
        user = profile.user
        rows.append(
            [
                user.given_name,
                user.family_name,
                user.email or "",
                phones.display(profile.phone),
                profile.home_place.name if profile.home_place else "",
                languages_spoken(profile.languages),
                str(label(profile.german_level)) if profile.german_level else "",
                ", ".join(str(label(area)) for area in eligibility.offered_areas(profile)),
                ", ".join(str(label(kind)) for kind in eligibility.offered_kinds(profile)),
                str(label(profile.status)),
            ]
        )
    audit.record(
        "volunteers.exported",
        actor=actor,
        format=file_format.value,
        count=len(profiles),
        profiles=[profile.id for profile in profiles],
    )
    if file_format is ExportFormat.XLSX:
        return spreadsheets.xlsx_bytes(rows, title)
    return spreadsheets.csv_bytes(rows)
