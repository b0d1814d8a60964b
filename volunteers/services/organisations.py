"""Migrant organisations: registration, and a coordinator's approval or rejection."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select, update

from ..db_types import utcnow
from ..db_writes import rows_changed
from ..extensions import db
from ..models import Membership, Organisation, OrganisationStatus, Place, User
from ..notifications.events import notify_organisation_awaiting_approval, notify_organisation_decided
from . import ServiceError, audit


def name_key(name: str) -> str:
    """One organisation per name, whatever the case and spacing."""
    return " ".join(name.split()).casefold()


def check_name_free(name: str) -> None:
    if db.session.scalar(select(exists().where(Organisation.name_key == name_key(name)))):
        raise ServiceError(
            _l("An organisation with this name is already registered. Ask its contact person to invite you."),
            field="organisation_name",
        )


def create_organisation(founder: User, name: str, place: Place, now: datetime | None = None) -> Organisation:
    """A pending organisation with its founder as admin and contact person."""
    check_name_free(name)
    organisation = Organisation(
        name=" ".join(name.split()),
        name_key=name_key(name),
        place=place,
        contact=founder,
        status=OrganisationStatus.PENDING,
        created_at=now or utcnow(),
    )
    db.session.add(organisation)
    db.session.add(Membership(user=founder, organisation=organisation, is_admin=True))
    db.session.flush()
    audit.record("organisation.registered", actor=founder, subject=founder, organisation=organisation)
    if founder.email_confirmed:
        notify_organisation_awaiting_approval(organisation)
    return organisation


def announce_pending_organisations(user: User) -> None:
    """Once a founder has confirmed their address, coordinators hear of their organisations."""
    for item in user.memberships:
        if item.is_admin and item.organisation.status is OrganisationStatus.PENDING:
            notify_organisation_awaiting_approval(item.organisation)


def _decide(
    coordinator: User,
    organisation: Organisation,
    status: OrganisationStatus,
    reason: str | None,
    now: datetime,
) -> None:
    if not coordinator.is_coordinator:
        raise ServiceError(_l("Only coordinators decide on organisations."))
    # Conditional update: of two coordinators deciding at once, exactly one wins.
    decided = rows_changed(
        update(Organisation)
        .where(Organisation.id == organisation.id, Organisation.status == OrganisationStatus.PENDING)
        .values(status=status, rejection_reason=reason, decided_at=now, decided_by_id=coordinator.id)
        .execution_options(synchronize_session=False)
    )
    if decided != 1:
        db.session.refresh(organisation)
        raise ServiceError(
            _l("This organisation has already been decided on by someone else. The page now shows the current state.")
        )
    db.session.refresh(organisation)
    action = "organisation.approved" if status is OrganisationStatus.APPROVED else "organisation.rejected"
    audit.record(action, actor=coordinator, organisation=organisation)
    notify_organisation_decided(organisation)


def approve(coordinator: User, organisation: Organisation, now: datetime | None = None) -> None:
    _decide(coordinator, organisation, OrganisationStatus.APPROVED, None, now or utcnow())


def reject(coordinator: User, organisation: Organisation, reason: str, now: datetime | None = None) -> None:
    reason = reason.strip()
    if not reason:
        raise ServiceError(_l("Give a reason: the organisation will read it."), field="reason")
    _decide(coordinator, organisation, OrganisationStatus.REJECTED, reason, now or utcnow())
