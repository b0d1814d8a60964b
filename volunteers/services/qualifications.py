"""Trainings: logged by volunteers with an optional proof, verified or rejected by coordinators,
or recorded by a coordinator for the centre's own trainings."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update

from ..db_types import utcnow
from ..db_writes import rows_changed
from ..extensions import db
from ..formatting import format_date
from ..models import ProofFile, Qualification, QualificationType, User, VolunteerProfile
from ..models.enums import QualificationStatus
from ..notifications.events import notify_training_decided, notify_training_reopened
from . import ServiceError, audit
from .proofs import CheckedProof
from .submissions import AlreadySubmitted
from .validity import valid_until
from .volunteers import can_view, is_own

#: No training counted here is older: an earlier date is a typing slip (1900 for 2019).
EARLIEST_COMPLETION = date(1950, 1, 1)


def log_training(
    actor: User,
    profile: VolunteerProfile,
    *,
    qualification_type: QualificationType | None,
    other_description: str | None,
    provider: str,
    completed_on: date,
    teaching_units: int | None,
    proof: CheckedProof | None,
    today: date,
    verified_by_centre: bool = False,
) -> Qualification:
    """A training, pending until a coordinator verifies it. With `verified_by_centre` (a
    coordinator recording one of the centre's own trainings) it is verified at once."""
    if not can_view(actor, profile):
        raise ServiceError(_l("You may not add trainings to this profile."))
    if verified_by_centre and not actor.is_coordinator:
        raise ServiceError(_l("Only coordinators record verified trainings."))
    other_description = (other_description or "").strip() or None
    if qualification_type is None and other_description is None:
        raise ServiceError(_l("Describe the training, or choose it from the list."), field="other_description")
    if qualification_type is not None and not qualification_type.active:
        raise ServiceError(_l("This training can no longer be chosen."), field="qualification_type")
    if completed_on > today:
        raise ServiceError(_l("The date of completion cannot be in the future."), field="completed_on")
    if completed_on < EARLIEST_COMPLETION:
        raise ServiceError(
            _l("Enter the date on the certificate: it cannot be before %(year)d.", year=EARLIEST_COMPLETION.year),
            field="completed_on",
        )
    _refuse_the_same_again(profile, qualification_type, other_description, completed_on)
    qualification = Qualification(
        profile=profile,
        type=qualification_type,
        other_description=None if qualification_type else other_description,
        provider=provider.strip(),
        completed_on=completed_on,
        teaching_units=teaching_units,
        status=QualificationStatus.PENDING,
        submitted_by_id=actor.id,
        submitted_at=utcnow(),
        has_proof=proof is not None,
    )
    if proof is not None:
        qualification.proof = ProofFile(
            filename=proof.filename,
            content_type=proof.content_type,
            size=proof.size,
            sha256=proof.sha256,
            data=proof.data,
        )
    db.session.add(qualification)
    db.session.flush()
    if verified_by_centre:
        _decide(actor, qualification, QualificationStatus.VERIFIED, None, notify=False)
        audit.record("qualification.recorded", actor=actor, subject=profile.user, qualification=qualification.id)
    else:
        audit.record("qualification.submitted", actor=actor, subject=profile.user, qualification=qualification.id)
    return qualification


def _refuse_the_same_again(
    profile: VolunteerProfile, kind: QualificationType | None, other: str | None, completed_on: date
) -> None:
    """The same training, completed the same day, logged a second time (a second tab): the
    first stays, nothing is added."""
    same = select(Qualification.id).where(
        Qualification.profile_id == profile.id,
        Qualification.completed_on == completed_on,
        Qualification.status.in_([QualificationStatus.PENDING, QualificationStatus.VERIFIED]),
        Qualification.type_id == kind.id
        if kind is not None
        else func.lower(Qualification.other_description) == (other or "").lower(),
    )
    existing = db.session.scalar(same.limit(1))
    if existing is not None:
        raise AlreadySubmitted(
            existing,
            _l(
                "This training, completed on %(date)s, is recorded already: nothing was saved twice.",
                date=format_date(completed_on, "long"),
            ),
        )


def _decide(
    coordinator: User,
    qualification: Qualification,
    status: QualificationStatus,
    reason: str | None,
    notify: bool = True,
) -> None:
    if not coordinator.is_coordinator:
        raise ServiceError(_l("Only coordinators verify trainings."))
    if qualification.profile.user_id == coordinator.id:
        raise ServiceError(_l("Another coordinator checks your own trainings."))
    months = qualification.type.validity_months if qualification.type else None
    until = valid_until(qualification.completed_on, months) if status is QualificationStatus.VERIFIED else None
    # Conditional: of two coordinators deciding at once, exactly one wins.
    decided = rows_changed(
        update(Qualification)
        .where(Qualification.id == qualification.id, Qualification.status == QualificationStatus.PENDING)
        .values(
            status=status, rejection_reason=reason, decided_at=utcnow(), decided_by_id=coordinator.id, valid_until=until
        )
        .execution_options(synchronize_session=False)
    )
    if decided != 1:
        db.session.refresh(qualification)
        raise ServiceError(_l("This training has already been decided on. The page shows the current state."))
    db.session.refresh(qualification)
    if notify:
        action = "qualification.verified" if status is QualificationStatus.VERIFIED else "qualification.rejected"
        audit.record(action, actor=coordinator, subject=qualification.profile.user, qualification=qualification.id)
        notify_training_decided(qualification)


def verify(coordinator: User, qualification: Qualification) -> None:
    _decide(coordinator, qualification, QualificationStatus.VERIFIED, None)


def reject(coordinator: User, qualification: Qualification, reason: str) -> None:
    reason = reason.strip()
    if not reason:
        raise ServiceError(_l("Give a reason: the volunteer will read it."), field="reason")
    _decide(coordinator, qualification, QualificationStatus.REJECTED, reason)


def withdraw(actor: User, qualification: Qualification) -> None:
    """The volunteer takes back a training nobody has checked yet (logged twice, or by
    mistake); its proof goes with it. Of a coordinator checking it at this moment, one wins."""
    if not is_own(actor, qualification.profile):
        raise ServiceError(_l("Only the volunteer withdraws their own trainings."))
    removed = rows_changed(
        delete(Qualification)
        .where(Qualification.id == qualification.id, Qualification.status == QualificationStatus.PENDING)
        .execution_options(synchronize_session=False)
    )
    if removed != 1:
        raise ServiceError(_l("This training has been checked in the meantime. The page shows the current state."))
    db.session.expunge(qualification)
    audit.record("qualification.withdrawn", actor=actor, subject=actor, qualification=qualification.id)


def reopen(coordinator: User, qualification: Qualification, reason: str) -> None:
    """A rejection was a mistake: the training waits for a check again, and the volunteer is
    told why. The rejection's reason stays for the record."""
    if not coordinator.is_coordinator:
        raise ServiceError(_l("Only coordinators reopen a rejection."))
    if qualification.profile.user_id == coordinator.id:
        raise ServiceError(_l("Another coordinator checks your own trainings."))
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_l("Give a reason: the volunteer will read it."), field="reason")
    reopened = rows_changed(
        update(Qualification)
        .where(Qualification.id == qualification.id, Qualification.status == QualificationStatus.REJECTED)
        .values(
            status=QualificationStatus.PENDING,
            decided_at=None,
            decided_by_id=None,
            reopened_at=utcnow(),
            reopened_by_id=coordinator.id,
            reopen_reason=reason,
        )
        .execution_options(synchronize_session=False)
    )
    if reopened != 1:
        db.session.refresh(qualification)
        raise ServiceError(_l("This training is no longer rejected. The page shows the current state."))
    db.session.refresh(qualification)
    audit.record(
        "qualification.reopened", actor=coordinator, subject=qualification.profile.user, qualification=qualification.id
    )
    notify_training_reopened(qualification)


def proof_for(user: User, qualification_id: int) -> ProofFile | None:
    """The proof if this user may download it (the volunteer or a coordinator), else None.
    The download is recorded in the audit log (who, which training, whose; ids only)."""
    row = db.session.execute(
        select(ProofFile, VolunteerProfile)
        .join(Qualification, ProofFile.qualification_id == Qualification.id)
        .join(VolunteerProfile, Qualification.profile_id == VolunteerProfile.id)
        .where(Qualification.id == qualification_id)
    ).first()
    if row is None or not can_view(user, row.VolunteerProfile):
        return None
    audit.record("proof.downloaded", actor=user, subject=row.VolunteerProfile.user, qualification=qualification_id)
    return row.ProofFile


def choosable_types() -> list[QualificationType]:
    return list(
        db.session.scalars(
            select(QualificationType).where(QualificationType.active.is_(True)).order_by(QualificationType.sort_order)
        )
    )


__all__ = ["choosable_types", "log_training", "proof_for", "reject", "reopen", "verify", "withdraw"]
