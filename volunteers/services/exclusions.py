"""Exclusions: a volunteer is never matched with an organisation, or with one of its clients
(recorded by coordinators, with a reason). Each one added or removed is in the audit log, with
ids only: neither the client reference nor the reason is written there."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..db_types import utcnow
from ..extensions import db
from ..models import Exclusion, Offer, Organisation, SupportRequest, User, VolunteerProfile
from ..models.enums import OfferState
from . import ServiceError, audit
from .matching import client_key


def _coordinator(actor: User) -> None:
    if not actor.is_coordinator:
        raise ServiceError(_l("Only coordinators record exclusions."))


def _audit(action: str, actor: User, exclusion: Exclusion, profile: VolunteerProfile) -> None:
    audit.record(
        action,
        actor=actor,
        subject=profile.user,
        organisation=exclusion.organisation,
        exclusion_id=exclusion.id,
        one_client=bool(exclusion.client_reference),
    )


def live_offers(profile: VolunteerProfile, organisation: Organisation, client_reference: str | None) -> list[Offer]:
    """The volunteer's offers still waiting for an answer and assignments still ahead that an
    exclusion from this organisation (or only this client of it) would cover. Nothing is done
    to them: the coordinator decides on each request's page."""
    query = (
        select(Offer)
        .join(SupportRequest, Offer.request_id == SupportRequest.id)
        .where(
            Offer.profile_id == profile.id,
            Offer.state.in_(OfferState.live()),
            SupportRequest.organisation_id == organisation.id,
            SupportRequest.starts_at > utcnow(),
        )
        .options(selectinload(Offer.request))
        .order_by(SupportRequest.starts_at, Offer.id)
    )
    reference = (client_reference or "").strip()
    if reference:
        query = query.where(func.lower(func.trim(SupportRequest.client_reference)) == client_key(reference))
    return list(db.session.scalars(query))


def _refuse_a_second(profile: VolunteerProfile, organisation: Organisation, client_reference: str | None) -> None:
    """An exclusion that an existing one already covers is refused, not recorded twice."""
    reference = (client_reference or "").strip()
    for existing in db.session.scalars(
        select(Exclusion).where(Exclusion.profile_id == profile.id, Exclusion.organisation_id == organisation.id)
    ):
        if existing.client_reference is None:
            raise ServiceError(
                _l("This volunteer is already excluded from this organisation as a whole."), field="organisation_id"
            )
        if reference and client_key(existing.client_reference) == client_key(reference):
            raise ServiceError(
                _l("This volunteer is already excluded for this client reference."), field="client_reference"
            )


def add(
    actor: User, profile: VolunteerProfile, organisation: Organisation | None, client_reference: str | None, reason: str
) -> Exclusion:
    _coordinator(actor)
    if organisation is None:
        raise ServiceError(_l("Choose an organisation."), field="organisation_id")
    _refuse_a_second(profile, organisation, client_reference)
    exclusion = Exclusion(
        profile_id=profile.id,
        organisation=organisation,
        client_reference=(client_reference or "").strip() or None,
        reason=reason.strip(),
        created_by_id=actor.id,
    )
    db.session.add(exclusion)
    db.session.flush()
    _audit("exclusion.added", actor, exclusion, profile)
    return exclusion


def remove(actor: User, exclusion: Exclusion) -> None:
    _coordinator(actor)
    _audit("exclusion.removed", actor, exclusion, exclusion.profile)
    db.session.delete(exclusion)
