"""What runs out, and when: qualifications (validity and refresher standing), police
certificates and declarations whose new text takes effect. `remind` mails volunteers 60 and
14 days ahead (each reminder once, however often it runs) and marks what has run out."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

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
from ..notifications.events import notify_expired, notify_expiry_reminder
from .validity import in_good_standing_until

REMINDER_DAYS = (60, 14)


@dataclass(frozen=True)
class Ending:
    profile: VolunteerProfile
    #: "qualification", "refresher", "police_certificate" or "declaration".
    what: str
    record_id: int
    names: tuple[str, str]
    #: The last day it counts; for a declaration, the day its new text takes effect.
    until: date


def _profiles() -> dict[int, VolunteerProfile]:
    rows = db.session.scalars(
        select(VolunteerProfile)
        .where(VolunteerProfile.status != VolunteerStatus.RETIRED)
        .options(selectinload(VolunteerProfile.user))
    ).all()
    return {profile.id: profile for profile in rows}


def _qualification_endings(profiles: dict[int, VolunteerProfile]) -> list[Ending]:
    """For each volunteer and type, the verified training that counts longest."""
    types = {
        t.id: t
        for t in db.session.scalars(select(QualificationType).options(selectinload(QualificationType.refreshers)))
    }
    rows = db.session.execute(
        select(
            Qualification.id,
            Qualification.profile_id,
            Qualification.type_id,
            Qualification.completed_on,
            Qualification.valid_until,
        ).where(Qualification.status == QualificationStatus.VERIFIED, Qualification.type_id.is_not(None))
    ).all()
    completed: dict[tuple[int, int], list[date]] = defaultdict(list)
    for row in rows:
        completed[(row.profile_id, row.type_id)].append(row.completed_on)
    best: dict[tuple[int, int], tuple] = {}
    for row in rows:
        if row.profile_id not in profiles:
            continue
        kind = types[row.type_id]
        refreshed = [day for r in kind.refreshers for day in completed.get((row.profile_id, r.id), [])]
        standing = in_good_standing_until(row.completed_on, kind.refresher_months, refreshed)
        key = (row.profile_id, row.type_id)
        far = date.max
        current = best.get(key)
        if current is None or min(row.valid_until or far, standing or far) > min(current[1] or far, current[2] or far):
            best[key] = (row, row.valid_until, standing)
    endings = []
    for (profile_id, type_id), (row, until, standing) in best.items():
        kind = types[type_id]
        names = (kind.name_de, kind.name_en)
        if until is not None and (standing is None or until <= standing):
            endings.append(Ending(profiles[profile_id], "qualification", row.id, names, until))
        elif standing is not None:
            endings.append(Ending(profiles[profile_id], "refresher", row.id, names, standing))
    return endings


def _certificate_endings(profiles: dict[int, VolunteerProfile]) -> list[Ending]:
    latest: dict[int, PoliceCertificate] = {}
    for certificate in db.session.scalars(select(PoliceCertificate).order_by(PoliceCertificate.shown_on)):
        latest[certificate.profile_id] = certificate
    return [
        Ending(
            profiles[pid],
            "police_certificate",
            c.id,
            ("Führungszeugnis", "Police certificate"),
            c.next_due_on - timedelta(days=1),
        )
        for pid, c in latest.items()
        if pid in profiles
    ]


def _declaration_endings(profiles: dict[int, VolunteerProfile], today: date, horizon: date) -> list[Ending]:
    upcoming = db.session.scalars(
        select(DeclarationVersion)
        .where(DeclarationVersion.effective_from > today, DeclarationVersion.effective_from <= horizon)
        .options(selectinload(DeclarationVersion.declaration))
    ).all()
    if not upcoming:
        return []
    signed = defaultdict(set)
    for profile_id, declaration_id, number in db.session.execute(
        select(DeclarationSignature.profile_id, DeclarationVersion.declaration_id, DeclarationVersion.number).join(
            DeclarationVersion, DeclarationSignature.version_id == DeclarationVersion.id
        )
    ):
        signed[(profile_id, declaration_id)].add(number)
    return [
        Ending(
            profile,
            "declaration",
            version.id,
            (version.declaration.title_de, version.declaration.title_en),
            version.effective_from,
        )
        for version in upcoming
        for profile in profiles.values()
        if not any(n >= version.number for n in signed[(profile.id, version.declaration_id)])
    ]


def endings(today: date, days: int) -> list[Ending]:
    """Everything that runs out between today and `days` days from now, soonest first."""
    horizon = today + timedelta(days=days)
    profiles = _profiles()
    found = [
        e for e in _qualification_endings(profiles) + _certificate_endings(profiles) if today <= e.until <= horizon
    ]
    found += _declaration_endings(profiles, today, horizon)
    return sorted(found, key=lambda e: (e.until, e.profile.user.family_name, e.what))


@dataclass
class ReminderReport:
    reminded: int = 0
    marked_expired: int = 0

    def __str__(self) -> str:
        return f"{self.reminded} reminders, {self.marked_expired} marked as run out"


def remind(today: date) -> ReminderReport:
    report = ReminderReport()
    for ending in endings(today, max(REMINDER_DAYS)):
        days = (ending.until - today).days
        stage = min(stage for stage in REMINDER_DAYS if days <= stage)
        key = f"reminder:{ending.what}:{ending.record_id}:{ending.profile.id}:{ending.until.isoformat()}:{stage}"
        report.reminded += notify_expiry_reminder(
            ending.profile, key=key, what=ending.what, names=ending.names, until=ending.until, days=days
        )
    report.marked_expired = _mark_expired(today)
    return report


def _mark_expired(today: date) -> int:
    now = utcnow()
    marked = 0
    lapsed = db.session.scalars(
        select(Qualification)
        .where(
            Qualification.status == QualificationStatus.VERIFIED,
            Qualification.valid_until < today,
            Qualification.expired_at.is_(None),
        )
        .options(
            selectinload(Qualification.type), selectinload(Qualification.profile).selectinload(VolunteerProfile.user)
        )
    ).all()
    renewed = _still_valid_types(today)
    for qualification in lapsed:
        qualification.expired_at = now
        marked += 1
        if (qualification.profile_id, qualification.type_id) not in renewed and qualification.type is not None:
            notify_expired(
                qualification.profile,
                key=f"expired:qualification:{qualification.id}",
                what="qualification",
                names=(qualification.type.name_de, qualification.type.name_en),
                until=qualification.valid_until,
            )
    latest = {}
    for certificate in db.session.scalars(select(PoliceCertificate).order_by(PoliceCertificate.shown_on)):
        latest[certificate.profile_id] = certificate.id
    overdue = db.session.scalars(
        select(PoliceCertificate)
        .where(PoliceCertificate.next_due_on <= today, PoliceCertificate.expired_at.is_(None))
        .options(selectinload(PoliceCertificate.recorded_by))
    ).all()
    for certificate in overdue:
        certificate.expired_at = now
        marked += 1
        profile = db.session.get(VolunteerProfile, certificate.profile_id)
        if latest.get(certificate.profile_id) == certificate.id and profile.status is not VolunteerStatus.RETIRED:
            notify_expired(
                profile,
                key=f"expired:police_certificate:{certificate.id}",
                what="police_certificate",
                names=("Führungszeugnis", "Police certificate"),
                until=certificate.next_due_on - timedelta(days=1),
            )
    return marked


def _still_valid_types(today: date) -> set[tuple[int, int]]:
    rows = db.session.execute(
        select(Qualification.profile_id, Qualification.type_id).where(
            Qualification.status == QualificationStatus.VERIFIED,
            (Qualification.valid_until.is_(None)) | (Qualification.valid_until >= today),
        )
    )
    return {(row.profile_id, row.type_id) for row in rows}


__all__ = ["Ending", "ReminderReport", "endings", "remind"]
