"""Test data made through the models, committed for real."""

from __future__ import annotations

import itertools

from sqlalchemy import select

from volunteers.db_types import utcnow
from volunteers.extensions import db
from volunteers.models import Membership, Organisation, OrganisationStatus, Place, User
from volunteers.services.organisations import name_key
from volunteers.services.passwords import hash_password

PASSWORD = "correct horse battery"
_sequence = itertools.count(1)


def place(name: str = "Hofgeismar") -> Place:
    found = db.session.scalar(select(Place).where(Place.name == name))
    assert found is not None, name
    return found


def user(
    *,
    email: str | None = None,
    given_name: str = "Test",
    family_name: str | None = None,
    password: str = PASSWORD,
    coordinator: bool = False,
    volunteer: bool = False,
    confirmed: bool = True,
    active: bool = True,
    locale: str = "de",
) -> User:
    number = next(_sequence)
    account = User(
        email=email or f"person{number}@example.org",
        given_name=given_name,
        family_name=family_name or f"Person{number}",
        password_hash=hash_password(password),
        locale=locale,
        session_version=1,
        active=active,
        is_coordinator=coordinator,
        is_volunteer=volunteer,
        email_confirmed_at=utcnow() if confirmed else None,
    )
    db.session.add(account)
    db.session.commit()
    return account


def coordinator(**kwargs) -> User:
    return user(coordinator=True, **kwargs)


def volunteer(**kwargs) -> User:
    return user(volunteer=True, **kwargs)


def organisation(
    *,
    name: str | None = None,
    status: OrganisationStatus = OrganisationStatus.APPROVED,
    admin: User | None = None,
    members: tuple[User, ...] = (),
    place_name: str = "Baunatal",
) -> Organisation:
    name = name or f"Verein {next(_sequence)} e.V."
    org = Organisation(name=name, name_key=name_key(name), place=place(place_name), status=status, contact=admin)
    db.session.add(org)
    if admin is not None:
        db.session.add(Membership(user=admin, organisation=org, is_admin=True))
    for member in members:
        db.session.add(Membership(user=member, organisation=org, is_admin=False))
    db.session.commit()
    return org


def organisation_user(status: OrganisationStatus = OrganisationStatus.APPROVED, **kwargs) -> tuple[User, Organisation]:
    admin = user(**kwargs)
    return admin, organisation(status=status, admin=admin)


def queued_mail(key: str, recipient: str | None = None, subject: str = "Test message", locale: str = "en") -> None:
    """An outbox row as any event would queue it (the "account exists" mail), committed."""
    from volunteers.notifications.outbox import queue_mail

    queue_mail(
        event="account_exists",
        key=key,
        recipient=recipient or f"{key.replace(':', '')}@example.org",
        locale=locale,
        subject=subject,
        given_name="Test",
        login_link="http://127.0.0.1/login",
        reset_link="http://127.0.0.1/password/forgot",
    )
    db.session.commit()
