"""Accounts made by an operator (CLI, demo data): confirmed, with roles, no mails."""

from __future__ import annotations

from sqlalchemy import select

from ..db_types import utcnow
from ..extensions import db
from ..models import Membership, Organisation, OrganisationStatus, Place, User
from ..permissions import membership
from . import ServiceError
from .organisations import name_key
from .passwords import MIN_PASSWORD_LENGTH, ensure_strong, hash_password
from .privacy import record_consent
from .users import create_account, find_by_email
from .volunteers import ensure_profile


def approved_organisation(name: str, place_name: str) -> Organisation:
    organisation = db.session.scalar(select(Organisation).where(Organisation.name_key == name_key(name)))
    if organisation is not None:
        return organisation
    place = db.session.scalar(select(Place).where(Place.name == place_name))
    if place is None:
        raise ValueError(f"unknown place {place_name!r}")
    now = utcnow()
    organisation = Organisation(
        name=" ".join(name.split()),
        name_key=name_key(name),
        place=place,
        status=OrganisationStatus.APPROVED,
        created_at=now,
        decided_at=now,
    )
    db.session.add(organisation)
    return organisation


def provision_user(
    *,
    email: str,
    password: str | None,
    roles: set[str],
    organisation_name: str | None = None,
    given_name: str = "",
    family_name: str = "",
    locale: str = "de",
    place_name: str = "Fuldabrück",
    organisation_admin: bool = True,
) -> tuple[User, bool]:
    """Creates the account (or adds roles to it). Returns (user, created)."""
    user = find_by_email(email)
    created = user is None
    if password:
        try:
            ensure_strong(password, user_inputs=(email, given_name, family_name))
        except ServiceError as error:
            raise ValueError(str(error.message)) from error
    if user is None:
        if not password:
            raise ValueError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
        local = email.split("@")[0]
        user = create_account(
            email=email,
            given_name=given_name or local.split(".")[0].capitalize(),
            family_name=family_name or (local.split(".")[1].capitalize() if "." in local else "-"),
            password=password,
            locale=locale,
            confirmed_at=utcnow(),
        )
        record_consent(user)
    elif password:
        if not user.has_password:
            # The person never saw the data-protection information: they take the account over
            # themselves (a reset link or an invitation asks for their consent).
            raise ValueError(
                "this account was recorded by the centre and has no password yet: invite the person "
                "(from their volunteer record, or as a coordinator), or let them ask for a password reset"
            )
        user.password_hash = hash_password(password)
    if "coordinator" in roles:
        user.is_coordinator = True
    if "volunteer" in roles:
        user.is_volunteer = True
        ensure_profile(user)
    if organisation_name:
        organisation = approved_organisation(organisation_name, place_name)
        db.session.flush()
        if membership(user, organisation) is None:
            db.session.add(Membership(user=user, organisation=organisation, is_admin=organisation_admin))
            if organisation.contact is None:
                organisation.contact = user
        db.session.flush()
    return user, created
