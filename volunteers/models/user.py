from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import UTCDateTime, utcnow
from ..extensions import Model
from .retention import Retention

if TYPE_CHECKING:
    from .organisation import Membership
    from .volunteer import VolunteerProfile


class User(UserMixin, Model):
    """One account per person; it may hold several roles at once."""

    __tablename__ = "users"
    __retention__ = Retention.ACCOUNT

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: Normalised (lower-case) in Python before storing: SQLite's lower() folds ASCII only.
    #: None only for a volunteer the centre recorded who has no address (paper records).
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    #: Argon2id hash; None until a person the centre recorded takes the account over.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    #: Interface and mail language (a code from LANGUAGES).
    locale: Mapped[str] = mapped_column(String(8), default="de")
    #: Part of the login id; raising it ends every session, remember-me cookies included.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    #: False once a coordinator deactivates the account.
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_coordinator: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    #: Volunteer role; the profile is in volunteer_profiles.
    is_volunteer: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Second factor: the base32 secret of the authenticator app (TOTP, RFC 6238), once confirmed.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    #: A secret being set up (shown as a QR code) until the first code from the app confirms it.
    totp_pending_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The last time step whose code was used: a code works once (no replay).
    totp_last_step: Mapped[int | None] = mapped_column(Integer)

    memberships: Mapped[list[Membership]] = relationship(back_populates="user", cascade="all, delete-orphan")
    profile: Mapped[VolunteerProfile | None] = relationship(back_populates="user", uselist=False)

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def is_organisation_member(self) -> bool:
        return bool(self.memberships)

    @property
    def has_password(self) -> bool:
        """False for a person the centre recorded who has not taken the account over yet."""
        return self.password_hash is not None

    @property
    def has_second_factor(self) -> bool:
        return self.totp_secret is not None

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def end_all_sessions(self) -> None:
        self.session_version = (self.session_version or 1) + 1

    def __repr__(self) -> str:
        return f"<User {self.id}>"
