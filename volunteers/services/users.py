"""The account row itself: the address as it is stored, finding an account by its address, and a
new row with a strong, hashed password. Below accounts, invitations, volunteers and
provisioning, which all find or make accounts, so none of them imports another for that."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ..extensions import db
from ..models import User
from .passwords import ensure_strong, hash_password


def normalise_email(email: str) -> str:
    # Python's lower() folds all of Unicode; SQLite's folds ASCII only.
    return email.strip().lower()


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def create_account(
    *,
    email: str,
    given_name: str,
    family_name: str,
    password: str,
    locale: str,
    confirmed_at: datetime | None = None,
) -> User:
    ensure_strong(password, user_inputs=(email, given_name, family_name))
    user = User(
        email=normalise_email(email),
        given_name=given_name.strip(),
        family_name=family_name.strip(),
        password_hash=hash_password(password),
        locale=locale,
        email_confirmed_at=confirmed_at,
        session_version=1,
        active=True,
        is_coordinator=False,
        is_volunteer=False,
    )
    db.session.add(user)
    db.session.flush()
    return user
