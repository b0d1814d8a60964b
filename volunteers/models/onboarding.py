"""Declarations volunteers sign, and police-certificate dates (never a copy)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import UTCDateTime, str_enum, utcnow
from ..extensions import Model
from ..texts import localized
from .enums import CertificateKind, CertificateResult
from .retention import Retention
from .user import User
from .volunteer import VolunteerProfile


class Declaration(Model):
    """A declaration every volunteer signs, e.g. confidentiality and neutrality."""

    __tablename__ = "declarations"
    __retention__ = Retention.REFERENCE

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(60), unique=True)
    #: Its title per UI locale; German always (texts.py).
    titles: Mapped[dict[str, str]] = mapped_column(JSON)
    sort_order: Mapped[int] = mapped_column(Integer, default=100)

    versions: Mapped[list[DeclarationVersion]] = relationship(
        back_populates="declaration", order_by="DeclarationVersion.number", cascade="all, delete-orphan"
    )

    def title(self, locale: str) -> str:
        return localized(self.titles, locale)


class DeclarationVersion(Model):
    """One text of a declaration. It becomes required on its effective date; until then the
    previous version still counts, so a new text does not take the pool out overnight."""

    __tablename__ = "declaration_versions"
    __retention__ = Retention.REFERENCE
    __table_args__ = (UniqueConstraint("declaration_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    declaration_id: Mapped[int] = mapped_column(ForeignKey("declarations.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    #: The text per UI locale; German always (texts.py).
    bodies: Mapped[dict[str, str]] = mapped_column(JSON)
    effective_from: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    declaration: Mapped[Declaration] = relationship(back_populates="versions")

    def body(self, locale: str) -> str:
        return localized(self.bodies, locale)


class DeclarationSignature(Model):
    """A volunteer signed this version, at this time."""

    __tablename__ = "declaration_signatures"
    __retention__ = Retention.ACCOUNT
    __table_args__ = (UniqueConstraint("profile_id", "version_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("volunteer_profiles.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("declaration_versions.id", ondelete="CASCADE"), index=True)
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    version: Mapped[DeclarationVersion] = relationship()
    profile: Mapped[VolunteerProfile] = relationship()


class PoliceCertificate(Model):
    """That a volunteer showed a police certificate (Führungszeugnis): dates and result only.
    No copy is stored, as the law asks."""

    __tablename__ = "police_certificates"
    __retention__ = Retention.POLICE_CERTIFICATE

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("volunteer_profiles.id", ondelete="CASCADE"), index=True)
    kind: Mapped[CertificateKind] = mapped_column(str_enum(CertificateKind, "certificate_kind"))
    issued_on: Mapped[date] = mapped_column(Date)
    shown_on: Mapped[date] = mapped_column(Date)
    result: Mapped[CertificateResult] = mapped_column(str_enum(CertificateResult, "certificate_result"))
    #: Five years after it was shown, it must be shown again.
    next_due_on: Mapped[date] = mapped_column(Date, index=True)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Set by `flask remind` once the next due date has passed.
    expired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    recorded_by: Mapped[User | None] = relationship()
    profile: Mapped[VolunteerProfile] = relationship()
