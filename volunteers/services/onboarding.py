"""Declarations (versioned texts volunteers sign) and police-certificate dates."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..db_types import upsert, utcnow
from ..extensions import db
from ..models import (
    Declaration,
    DeclarationSignature,
    DeclarationVersion,
    PoliceCertificate,
    User,
    VolunteerProfile,
)
from ..models.enums import CertificateKind, CertificateResult
from ..texts import FALLBACK, cleaned, field_of
from . import ServiceError, audit
from .validity import police_certificate_due, police_certificate_fresh_enough, version_in_force
from .volunteers import can_view, is_own


@dataclass(frozen=True)
class DeclarationState:
    declaration: Declaration
    #: The version required today (None before the first takes effect).
    in_force: DeclarationVersion | None
    #: The newest text, which volunteers are asked to sign (may take effect later).
    newest: DeclarationVersion
    signed: dict[int, object]  # version number -> signed_at

    @property
    def signed_newest(self) -> bool:
        return any(number >= self.newest.number for number in self.signed)

    @property
    def valid_today(self) -> bool:
        return self.in_force is None or any(number >= self.in_force.number for number in self.signed)


def declaration_states(profile: VolunteerProfile, today: date) -> list[DeclarationState]:
    declarations = db.session.scalars(
        select(Declaration).options(selectinload(Declaration.versions)).order_by(Declaration.sort_order)
    ).all()
    signed = {
        (row.declaration_id, row.number): row.signed_at
        for row in db.session.execute(
            select(DeclarationVersion.declaration_id, DeclarationVersion.number, DeclarationSignature.signed_at)
            .join(DeclarationSignature, DeclarationSignature.version_id == DeclarationVersion.id)
            .where(DeclarationSignature.profile_id == profile.id)
        )
    }
    states = []
    for declaration in declarations:
        if not declaration.versions:
            continue
        number = version_in_force([(v.number, v.effective_from) for v in declaration.versions], today)
        in_force = next((v for v in declaration.versions if v.number == number), None)
        states.append(
            DeclarationState(
                declaration=declaration,
                in_force=in_force,
                newest=declaration.versions[-1],
                signed={n: at for (d, n), at in signed.items() if d == declaration.id},
            )
        )
    return states


def sign(actor: User, profile: VolunteerProfile, version: DeclarationVersion) -> bool:
    """The volunteer signs the newest text of a declaration. Returns False if already signed."""
    if not is_own(actor, profile):
        raise ServiceError(_l("Only the volunteer signs their declarations."))
    newest = db.session.scalar(
        select(func.max(DeclarationVersion.number)).where(DeclarationVersion.declaration_id == version.declaration_id)
    )
    if version.number != newest:
        raise ServiceError(_l("A newer text of this declaration exists; please read and sign that one."))
    # Two clicks at once: one signature, no error.
    inserted = db.session.execute(
        upsert(DeclarationSignature)
        .values(profile_id=profile.id, version_id=version.id, signed_at=utcnow())
        .on_conflict_do_nothing(index_elements=["profile_id", "version_id"])
        .returning(DeclarationSignature.id)
    ).first()
    if inserted is None:
        return False
    audit.record(
        "declaration.signed", actor=actor, subject=actor, declaration=version.declaration_id, version=version.number
    )
    return True


def add_version(
    coordinator: User, declaration: Declaration, bodies: Mapping[str, str | None], effective_from: date, today: date
) -> DeclarationVersion:
    """A new text. Everyone is asked to sign it; it is required from `effective_from` on."""
    if not coordinator.is_coordinator:
        raise ServiceError(_l("Only coordinators change declarations."))
    if effective_from < today:
        raise ServiceError(
            _l("A new text cannot take effect in the past: volunteers need time to sign it."), field="effective_from"
        )
    newest = declaration.versions[-1] if declaration.versions else None
    if newest is not None and effective_from < newest.effective_from:
        raise ServiceError(_l("It cannot take effect before the current newest text."), field="effective_from")
    texts = cleaned(bodies)
    if FALLBACK not in texts:
        raise ServiceError(_l("Enter the text."), field=field_of("body", FALLBACK))
    version = DeclarationVersion(
        declaration=declaration,
        number=(newest.number + 1) if newest else 1,
        bodies=texts,
        effective_from=effective_from,
        created_by_id=coordinator.id,
        created_at=utcnow(),
    )
    db.session.add(version)
    audit.record("declaration.version_added", actor=coordinator, declaration=declaration.id, version=version.number)
    return version


def certificates_of(profile: VolunteerProfile) -> list[PoliceCertificate]:
    return list(
        db.session.scalars(
            select(PoliceCertificate)
            .where(PoliceCertificate.profile_id == profile.id)
            .options(selectinload(PoliceCertificate.recorded_by))
            .order_by(PoliceCertificate.shown_on.desc())
        )
    )


def record_certificate(
    coordinator: User,
    profile: VolunteerProfile,
    *,
    kind: CertificateKind,
    issued_on: date,
    shown_on: date,
    result: CertificateResult,
    today: date,
) -> PoliceCertificate:
    """That the volunteer showed a police certificate. Its dates only: no copy is kept."""
    if not coordinator.is_coordinator or not can_view(coordinator, profile):
        raise ServiceError(_l("Only coordinators record police certificates."))
    if shown_on > today:
        raise ServiceError(_l("The day it was shown cannot be in the future."), field="shown_on")
    if issued_on > shown_on:
        raise ServiceError(_l("It cannot have been issued after it was shown."), field="issued_on")
    if not police_certificate_fresh_enough(issued_on, shown_on):
        raise ServiceError(_l("When shown, a police certificate may be at most three months old."), field="issued_on")
    certificate = PoliceCertificate(
        profile=profile,
        kind=kind,
        issued_on=issued_on,
        shown_on=shown_on,
        result=result,
        next_due_on=police_certificate_due(shown_on),
        recorded_by_id=coordinator.id,
        recorded_at=utcnow(),
    )
    db.session.add(certificate)
    audit.record("police_certificate.recorded", actor=coordinator, subject=profile.user, kind=kind.value)
    return certificate
