"""What runs out, and when: qualifications (validity and refresher standing), police
certificates and declarations whose new text takes effect. `remind` mails volunteers 60 and
14 days ahead (each reminder once, however often it runs) and marks what has run out."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, Row, Select, and_, case, exists, func, or_, select, update
from sqlalchemy.orm import aliased, selectinload

from ..db_types import utcnow
from ..extensions import db
from ..models import (
    DeclarationSignature,
    DeclarationVersion,
    PoliceCertificate,
    Qualification,
    QualificationType,
    VolunteerProfile,
)
from ..models.enums import QualificationStatus, VolunteerStatus
from ..models.qualification import type_refreshers
from ..notifications.events import notify_expired, notify_expiry_reminder
from ..texts import Texts
from .validity import add_months, in_good_standing_until, inclusion_closure

REMINDER_DAYS = (60, 14)


@dataclass(frozen=True)
class Ending:
    profile: VolunteerProfile
    #: "qualification", "refresher", "police_certificate" or "declaration".
    what: str
    record_id: int
    names: Texts
    #: The last day it counts; for a declaration, the day its new text takes effect.
    until: date


#: `add_months(day, m) <= h` only for days at most this many after `add_months(h, -m)` (the
#: clamping to a month's end: 31 May minus 3 months is 28 February; checked for every day of four
#: years and month counts from 1 to 60).
_CLAMPING_DAYS = 3

_VERIFIED = (Qualification.status == QualificationStatus.VERIFIED, Qualification.type_id.is_not(None))
_NOT_RETIRED = VolunteerProfile.status != VolunteerStatus.RETIRED


def _profiles(ids: Iterable[int] | None = None) -> dict[int, VolunteerProfile]:
    """Volunteers not retired, with their accounts: all of them, or those with the given ids."""
    query = select(VolunteerProfile).where(_NOT_RETIRED).options(selectinload(VolunteerProfile.user))
    if ids is not None:
        wanted = set(ids)
        if not wanted:
            return {}
        query = query.where(VolunteerProfile.id.in_(wanted))
    return {profile.id: profile for profile in db.session.scalars(query)}


def _types() -> dict[int, QualificationType]:
    return {
        t.id: t
        for t in db.session.scalars(select(QualificationType).options(selectinload(QualificationType.refreshers)))
    }


def _verified_rows(profile_ids: Select | None = None) -> Sequence[Row]:
    query = select(
        Qualification.id,
        Qualification.profile_id,
        Qualification.type_id,
        Qualification.completed_on,
        Qualification.valid_until,
    ).where(*_VERIFIED)
    if profile_ids is not None:
        query = query.where(Qualification.profile_id.in_(profile_ids))
    return db.session.execute(query.order_by(Qualification.id)).all()


def _pairs_that_may_end_by(today: date, horizon: date, types: dict[int, QualificationType]) -> Select:
    """(volunteer, type) pairs of volunteers not retired whose standing may end between today
    and `horizon`; the exact dates are worked out in Python for these pairs alone
    (`tests/db/test_expiry_narrowing.py` checks that this loses nobody).

    A pair stops counting when its longest-counting training does: at the end of its validity or
    of its refresher standing, whichever comes first; the standing runs `refresher_months` from
    the latest of the training and the volunteer's refreshers for it. So a pair may end by the
    horizon only if each of its trainings may (its validity ends by then, or the training and
    every refresher were completed early enough), and may end from today on only if one of them
    still counts today (valid, and the training or a refresher recent enough)."""
    refresher = aliased(Qualification)
    refreshed = (
        select(
            refresher.profile_id,
            type_refreshers.c.type_id,
            func.max(refresher.completed_on).label("latest"),
        )
        .join(type_refreshers, type_refreshers.c.refresher_type_id == refresher.type_id)
        .where(refresher.status == QualificationStatus.VERIFIED)
        .group_by(refresher.profile_id, type_refreshers.c.type_id)
        .subquery()
    )
    may_end: list[ColumnElement[bool]] = [Qualification.valid_until <= horizon]
    recent_enough: list[ColumnElement[bool]] = [
        Qualification.type_id.not_in([t.id for t in types.values() if t.refresher_months is not None])
    ]
    # A pair's end is its validity, in the window, or its standing, which then ran from a training
    # or refresher completed between `earliest_start` and `latest_start`: only the volunteers with
    # such a training are grouped (an index range per type, not every row).
    in_band = aliased(Qualification)
    band: list[ColumnElement[bool]] = [in_band.valid_until.between(today, horizon)]
    for kind in types.values():
        if kind.refresher_months is None:
            continue
        # add_months(day, m) <= h only for days up to _CLAMPING_DAYS after add_months(h, -m), and
        # add_months(day, m) >= h only for days from add_months(h, -m) on.
        latest_start = add_months(horizon + timedelta(days=1), -kind.refresher_months) + timedelta(days=_CLAMPING_DAYS)
        earliest_start = add_months(today + timedelta(days=1), -kind.refresher_months)
        may_end.append(
            and_(
                Qualification.type_id == kind.id,
                Qualification.completed_on <= latest_start,
                or_(refreshed.c.latest.is_(None), refreshed.c.latest <= latest_start),
            )
        )
        recent_enough.append(
            and_(
                Qualification.type_id == kind.id,
                or_(Qualification.completed_on >= earliest_start, refreshed.c.latest >= earliest_start),
            )
        )
        for counted in (kind, *kind.refreshers):
            band.append(and_(in_band.type_id == counted.id, in_band.completed_on.between(earliest_start, latest_start)))
    still_counts = and_(
        or_(Qualification.valid_until.is_(None), Qualification.valid_until >= today), or_(*recent_enough)
    )
    concerned = select(in_band.profile_id).where(in_band.status == QualificationStatus.VERIFIED, or_(*band))
    return (
        select(Qualification.profile_id, Qualification.type_id)
        .join(VolunteerProfile, VolunteerProfile.id == Qualification.profile_id)
        .outerjoin(
            refreshed,
            and_(refreshed.c.profile_id == Qualification.profile_id, refreshed.c.type_id == Qualification.type_id),
        )
        .where(*_VERIFIED, _NOT_RETIRED, Qualification.profile_id.in_(concerned))
        .group_by(Qualification.profile_id, Qualification.type_id)
        .having(
            func.sum(case((or_(*may_end), 0), else_=1)) == 0,
            func.sum(case((still_counts, 1), else_=0)) > 0,
        )
    )


def _qualification_endings(
    profiles: dict[int, VolunteerProfile] | None = None,
    window: tuple[date, date] | None = None,
    rows: Sequence[Row] | None = None,
) -> list[Ending]:
    """For each volunteer and type, the verified training that counts longest, and when it
    stops counting. With a window (today, horizon), only pairs that may end in it are looked
    at, and `profiles` is loaded for them; `rows`: the verified trainings to look at (all)."""
    types = _types()
    pairs: set[tuple[int, int]] | None = None
    if window is None:
        rows = _verified_rows() if rows is None else rows
    else:
        candidates = _pairs_that_may_end_by(*window, types).subquery()
        pairs = {(row.profile_id, row.type_id) for row in db.session.execute(select(candidates))}
        if not pairs:
            return []
        # Refresher dates come from the same volunteers' other trainings.
        rows = _verified_rows(select(candidates.c.profile_id))
        profiles = _profiles({profile_id for profile_id, _type in pairs})
    assert profiles is not None
    completed: dict[tuple[int, int], list[date]] = defaultdict(list)
    for row in rows:
        completed[(row.profile_id, row.type_id)].append(row.completed_on)
    best: dict[tuple[int, int], tuple] = {}
    for row in rows:
        key = (row.profile_id, row.type_id)
        if row.profile_id not in profiles or (pairs is not None and key not in pairs):
            continue
        kind = types[row.type_id]
        refreshed = [day for r in kind.refreshers for day in completed.get((row.profile_id, r.id), [])]
        standing = in_good_standing_until(row.completed_on, kind.refresher_months, refreshed)
        far = date.max
        current = best.get(key)
        if current is None or min(row.valid_until or far, standing or far) > min(current[1] or far, current[2] or far):
            best[key] = (row, row.valid_until, standing)
    endings = []
    for (profile_id, type_id), (row, until, standing) in best.items():
        names = types[type_id].names
        if until is not None and (standing is None or until <= standing):
            endings.append(Ending(profiles[profile_id], "qualification", row.id, names, until))
        elif standing is not None:
            endings.append(Ending(profiles[profile_id], "refresher", row.id, names, standing))
    return endings


_POLICE_CERTIFICATE: Texts = {"de": "Führungszeugnis", "en": "Police certificate"}


def _certificate_endings(today: date, horizon: date, profile_id: int | None = None) -> list[Ending]:
    """Each volunteer's latest police certificate (by the day it was shown) whose last day
    falls between today and the horizon (of one volunteer, with `profile_id`)."""
    later = aliased(PoliceCertificate)
    newer_exists = exists().where(
        later.profile_id == PoliceCertificate.profile_id,
        or_(
            later.shown_on > PoliceCertificate.shown_on,
            and_(later.shown_on == PoliceCertificate.shown_on, later.id > PoliceCertificate.id),
        ),
    )
    certificates = db.session.execute(
        select(PoliceCertificate.id, PoliceCertificate.profile_id, PoliceCertificate.next_due_on)
        .join(VolunteerProfile, VolunteerProfile.id == PoliceCertificate.profile_id)
        .where(
            _NOT_RETIRED,
            PoliceCertificate.next_due_on > today,
            PoliceCertificate.next_due_on <= horizon + timedelta(days=1),
            ~newer_exists,
            *([PoliceCertificate.profile_id == profile_id] if profile_id is not None else []),
        )
    ).all()
    profiles = _profiles(c.profile_id for c in certificates)
    return [
        Ending(
            profiles[c.profile_id], "police_certificate", c.id, _POLICE_CERTIFICATE, c.next_due_on - timedelta(days=1)
        )
        for c in certificates
        if c.profile_id in profiles
    ]


def _declaration_endings(today: date, horizon: date, profile_id: int | None = None) -> list[Ending]:
    """Volunteers not retired (or the one with `profile_id`) who have not signed a declaration's
    text taking effect by the horizon (or a newer one)."""
    upcoming = db.session.scalars(
        select(DeclarationVersion)
        .where(DeclarationVersion.effective_from > today, DeclarationVersion.effective_from <= horizon)
        .options(selectinload(DeclarationVersion.declaration))
    ).all()
    found = []
    for version in upcoming:
        signed = (
            select(DeclarationSignature.profile_id)
            .join(DeclarationVersion, DeclarationSignature.version_id == DeclarationVersion.id)
            .where(
                DeclarationVersion.declaration_id == version.declaration_id,
                DeclarationVersion.number >= version.number,
            )
        )
        unsigned = db.session.scalars(
            select(VolunteerProfile)
            .where(
                _NOT_RETIRED,
                VolunteerProfile.id.not_in(signed),
                *([VolunteerProfile.id == profile_id] if profile_id is not None else []),
            )
            .options(selectinload(VolunteerProfile.user))
        )
        found += [
            Ending(profile, "declaration", version.id, version.declaration.titles, version.effective_from)
            for profile in unsigned
        ]
    return found


def endings(today: date, days: int) -> list[Ending]:
    """Everything that runs out between today and `days` days from now, soonest first. Only
    what may run out in that time is loaded (the work queue counts it on every visit)."""
    horizon = today + timedelta(days=days)
    found = [e for e in _qualification_endings(window=(today, horizon)) if today <= e.until <= horizon]
    found += _certificate_endings(today, horizon)
    found += _declaration_endings(today, horizon)
    return sorted(found, key=lambda e: (e.until, e.profile.user.family_name, e.what))


#: What a volunteer's page warns of: what runs out within this many days (the first reminder).
SOON_DAYS = max(REMINDER_DAYS)


def endings_of(profile: VolunteerProfile, today: date, days: int = SOON_DAYS) -> list[Ending]:
    """What runs out for one volunteer between today and `days` from now, soonest first: what
    the reminder mails say, for the volunteer's page and the coordinators' record of them."""
    if profile.status is VolunteerStatus.RETIRED:
        return []
    horizon = today + timedelta(days=days)
    own = select(VolunteerProfile.id).where(VolunteerProfile.id == profile.id)
    qualifications = _qualification_endings({profile.id: profile}, rows=_verified_rows(own))
    found = [e for e in qualifications if today <= e.until <= horizon]
    found += _certificate_endings(today, horizon, profile.id)
    found += _declaration_endings(today, horizon, profile.id)
    return sorted(found, key=lambda e: (e.until, e.what))


@dataclass
class ReminderReport:
    reminded: int = 0
    marked_expired: int = 0

    def __str__(self) -> str:
        return f"{self.reminded} reminders, {self.marked_expired} marked as run out"


#: Only what ran out this recently is told by mail (an old paper record is not news).
NOTICE_WITHIN = timedelta(days=30)


def remind(today: date) -> ReminderReport:
    report = ReminderReport()
    profiles = _profiles()
    for ending in endings(today, max(REMINDER_DAYS)):
        days = (ending.until - today).days
        stage = min(stage for stage in REMINDER_DAYS if days <= stage)
        key = f"reminder:{ending.what}:{ending.record_id}:{ending.profile.id}:{ending.until.isoformat()}:{stage}"
        report.reminded += notify_expiry_reminder(
            ending.profile, key=key, what=ending.what, names=ending.names, until=ending.until, days=days
        )
    report.marked_expired = _mark_expired(today, profiles)
    _tell_missed_refreshers(today, profiles)
    return report


def _recent(until: date, today: date) -> bool:
    return today - NOTICE_WITHIN <= until < today


def _mark_expired(today: date, profiles: dict[int, VolunteerProfile]) -> int:
    """Marks trainings past their validity and certificates past their due date, and tells
    their (not retired) owners once, unless already renewed or long past."""
    now = utcnow()
    marked = 0
    lapsed = db.session.scalars(
        select(Qualification)
        .where(
            Qualification.status == QualificationStatus.VERIFIED,
            Qualification.valid_until < today,
            Qualification.expired_at.is_(None),
        )
        .options(selectinload(Qualification.type))
    ).all()
    renewed = _still_valid_types(today)
    _set_expired(Qualification, [q.id for q in lapsed], now)
    for qualification in lapsed:
        marked += 1
        profile = profiles.get(qualification.profile_id)  # None: retired
        if (
            profile is not None
            and qualification.type is not None
            and (qualification.profile_id, qualification.type_id) not in renewed
            and qualification.valid_until is not None  # always: the query compared it
            and _recent(qualification.valid_until, today)
        ):
            notify_expired(
                profile,
                key=f"expired:qualification:{qualification.id}",
                what="qualification",
                names=qualification.type.names,
                until=qualification.valid_until,
            )
    latest = {}
    for certificate in db.session.scalars(
        select(PoliceCertificate).order_by(PoliceCertificate.shown_on, PoliceCertificate.id)
    ):
        latest[certificate.profile_id] = certificate.id
    overdue = db.session.scalars(
        select(PoliceCertificate).where(PoliceCertificate.next_due_on <= today, PoliceCertificate.expired_at.is_(None))
    ).all()
    _set_expired(PoliceCertificate, [c.id for c in overdue], now)
    for certificate in overdue:
        marked += 1
        profile = profiles.get(certificate.profile_id)
        last_day = certificate.next_due_on - timedelta(days=1)
        if profile is not None and latest.get(certificate.profile_id) == certificate.id and _recent(last_day, today):
            notify_expired(
                profile,
                key=f"expired:police_certificate:{certificate.id}",
                what="police_certificate",
                names=_POLICE_CERTIFICATE,
                until=last_day,
            )
    return marked


def _set_expired(model: type[Qualification] | type[PoliceCertificate], ids: list[int], now: datetime) -> None:
    if ids:
        db.session.execute(
            update(model).where(model.id.in_(ids)).values(expired_at=now).execution_options(synchronize_session=False)
        )


def _tell_missed_refreshers(today: date, profiles: dict[int, VolunteerProfile]) -> None:
    """A basic course whose refresher is overdue: told once (it is not marked: a refresher
    taken later restores it)."""
    for ending in _qualification_endings(profiles):
        if ending.what == "refresher" and _recent(ending.until, today):
            notify_expired(
                ending.profile,
                key=f"expired:refresher:{ending.record_id}:{ending.until.isoformat()}",
                what="refresher",
                names=ending.names,
                until=ending.until,
            )


def _still_valid_types(today: date) -> set[tuple[int, int]]:
    """(volunteer, type) pairs held by a training valid today, directly or by inclusion."""
    types = db.session.scalars(select(QualificationType).options(selectinload(QualificationType.includes))).all()
    closure = inclusion_closure({t.id: [i.id for i in t.includes] for t in types})
    rows = db.session.execute(
        select(Qualification.profile_id, Qualification.type_id).where(
            Qualification.status == QualificationStatus.VERIFIED,
            Qualification.type_id.is_not(None),
            (Qualification.valid_until.is_(None)) | (Qualification.valid_until >= today),
        )
    )
    return {(row.profile_id, held) for row in rows for held in closure.get(row.type_id, frozenset({row.type_id}))}
