"""Exclusions: a volunteer is never matched with an organisation, or with one of its clients
(recorded by coordinators, with a reason)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..models import Exclusion, Organisation, User, VolunteerProfile
from . import ServiceError


def _coordinator(actor: User) -> None:
    if not actor.is_coordinator:
        raise ServiceError(_l("Only coordinators record exclusions."))


def add(
    actor: User, profile: VolunteerProfile, organisation: Organisation | None, client_reference: str | None, reason: str
) -> Exclusion:
    _coordinator(actor)
    if organisation is None:
        raise ServiceError(_l("Choose an organisation."), field="organisation_id")
    exclusion = Exclusion(
        profile_id=profile.id,
        organisation=organisation,
        client_reference=(client_reference or "").strip() or None,
        reason=reason.strip(),
        created_by_id=actor.id,
    )
    db.session.add(exclusion)
    db.session.flush()
    return exclusion


def remove(actor: User, exclusion: Exclusion) -> None:
    _coordinator(actor)
    db.session.delete(exclusion)
