from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import UTCDateTime, str_enum, utcnow
from ..extensions import Model
from .place import Place
from .retention import Retention
from .user import User


class OrganisationStatus(enum.Enum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class Organisation(Model):
    """A migrant organisation; it may submit support requests once a coordinator approves it."""

    __tablename__ = "organisations"
    __retention__ = Retention.ORGANISATION

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    #: Lower-cased, whitespace-collapsed name: one organisation per name.
    name_key: Mapped[str] = mapped_column(String(200), unique=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id"), index=True)
    #: The person the centre talks to; a member of the organisation.
    contact_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    status: Mapped[OrganisationStatus] = mapped_column(
        str_enum(OrganisationStatus, "organisation_status"),
        default=OrganisationStatus.PENDING,
        index=True,
    )
    #: Why a coordinator rejected the application (shown to the organisation).
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: Street and house number; the place is `place`.
    street: Mapped[str | None] = mapped_column(String(120))
    postal_code: Mapped[str | None] = mapped_column(String(10))
    #: The organisation's own phone, email and website (not a member's).
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    website: Mapped[str | None] = mapped_column(String(200))
    #: What the organisation does, in its own words.
    description: Mapped[str | None] = mapped_column(Text)
    #: Raised on every change of the details: an edit made on an older version is refused.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    place: Mapped[Place] = relationship()
    contact: Mapped[User | None] = relationship(foreign_keys=[contact_user_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    memberships: Mapped[list[Membership]] = relationship(back_populates="organisation", cascade="all, delete-orphan")

    @property
    def is_approved(self) -> bool:
        return self.status is OrganisationStatus.APPROVED

    def __repr__(self) -> str:
        return f"<Organisation {self.id}>"


class Membership(Model):
    """A user's membership in an organisation; admins may invite colleagues."""

    __tablename__ = "memberships"
    __retention__ = Retention.ACCOUNT
    __table_args__ = (UniqueConstraint("user_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    organisation: Mapped[Organisation] = relationship(back_populates="memberships")
