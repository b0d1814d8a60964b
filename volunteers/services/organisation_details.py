"""An organisation's details (address, contact, phone, email, website, description): its
administrators keep them up to date, coordinators too; each change is kept with who made it,
when, and what it was before. The name is how the centre approved the organisation: only a
coordinator changes it."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp
from sqlalchemy import Select, exists, select
from sqlalchemy.orm import selectinload

from .. import phones
from ..db_types import utcnow
from ..extensions import db
from ..models import Membership, Organisation, OrganisationChange, Place, User
from ..permissions import membership
from . import ServiceError, audit
from .organisations import name_key

#: Every detail, in the order the form and the history show them, with its label.
DETAILS = {
    "name": _l("Name"),
    "street": _l("Street and number"),
    "postal_code": _l("Postal code"),
    "place": _lp("location", "Place"),
    "contact": _l("Contact person"),
    "phone": _l("Phone"),
    "email": _l("Email address"),
    "website": _l("Website"),
    "description": _l("What the organisation does"),
}

STALE = _l(
    "Someone changed these details in the meantime. Your entries are still below: check them "
    "against the current details and save again."
)


@dataclass
class Details:
    street: str | None
    postal_code: str | None
    place_id: int
    contact_user_id: int | None
    phone: str | None
    email: str | None
    website: str | None
    description: str | None
    #: None: the name stays (administrators cannot change it).
    name: str | None = None


def may_edit(user: User, organisation: Organisation) -> bool:
    """Coordinators, and the organisation's administrators."""
    if user.is_coordinator:
        return True
    item = membership(user, organisation)
    return item is not None and item.is_admin


def members(organisation: Organisation) -> list[User]:
    """Who can be the contact person: the organisation's members."""
    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.organisation_id == organisation.id)
            .order_by(User.family_name, User.given_name, User.id)
        )
    )


def _text(value: str | None) -> str | None:
    return " ".join(value.split()) if value and value.strip() else None


def _phone(value: str | None) -> str | None:
    try:
        return phones.normalise_optional(value)
    except phones.InvalidPhone as error:
        raise ServiceError(error.message, field="phone") from None


def _shown(field: str, organisation: Organisation) -> str | None:
    """A detail as the history keeps it: names, not ids."""
    if field == "place":
        return organisation.place.name if organisation.place else None
    if field == "contact":
        return organisation.contact.full_name if organisation.contact else None
    return getattr(organisation, field)


def update(actor: User, organisation: Organisation, details: Details, expected_version: int | None) -> list[str]:
    """Applies the details; returns the names of those that changed (each kept in the history)."""
    if not may_edit(actor, organisation):
        raise ServiceError(_l("Only the organisation's administrators and the centre change its details."))
    if expected_version is not None and expected_version != organisation.version:
        raise ServiceError(STALE, field="version")
    place = db.session.get(Place, details.place_id)
    if place is None:
        raise ServiceError(_l("Choose a place from the list."), field="place_id")
    contact = None
    if details.contact_user_id is not None:
        contact = next((m for m in members(organisation) if m.id == details.contact_user_id), None)
        if contact is None:
            raise ServiceError(_l("Choose a member of the organisation."), field="contact_user_id")
    wanted = {
        "street": _text(details.street),
        "postal_code": _text(details.postal_code),
        "phone": _phone(details.phone),
        "email": _text(details.email),
        "website": _text(details.website),
        "description": (details.description or "").strip() or None,
    }
    name = _text(details.name)
    if name is not None and name != organisation.name:
        if not actor.is_coordinator:
            raise ServiceError(_l("The name is changed by the centre; please write to it."), field="name")
        taken = exists().where(Organisation.name_key == name_key(name), Organisation.id != organisation.id)
        if db.session.scalar(select(taken)):
            raise ServiceError(_l("Another organisation already has this name."), field="name")

    before = {field: _shown(field, organisation) for field in DETAILS}
    if name is not None:
        organisation.name, organisation.name_key = name, name_key(name)
    for field, value in wanted.items():
        setattr(organisation, field, value)
    organisation.place = place
    organisation.contact = contact
    changed = [field for field in DETAILS if _shown(field, organisation) != before[field]]
    now = utcnow()
    for field in changed:
        db.session.add(
            OrganisationChange(
                organisation_id=organisation.id,
                changed_at=now,
                changed_by=actor,
                field=field,
                old_value=before[field],
                new_value=_shown(field, organisation),
            )
        )
    if changed:
        audit.record("organisation.details_changed", actor=actor, organisation=organisation, fields=",".join(changed))
    return changed


def changes_of(organisation: Organisation) -> Select:
    """The history of the organisation's details, the newest first (for a page of it)."""
    return (
        select(OrganisationChange)
        .where(OrganisationChange.organisation_id == organisation.id)
        .options(selectinload(OrganisationChange.changed_by))
        .order_by(OrganisationChange.changed_at.desc(), OrganisationChange.id.desc())
    )


__all__ = ["DETAILS", "STALE", "Details", "changes_of", "may_edit", "members", "update"]
