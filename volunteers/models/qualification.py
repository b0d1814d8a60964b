from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import UTCDateTime, str_enum, utcnow
from ..extensions import Model, db
from ..texts import localized
from .enums import Area, LanguageLevel, QualificationArea, QualificationStatus, WorkKind
from .retention import Retention
from .user import User
from .volunteer import VolunteerProfile

#: Type A includes type B: who holds A counts as holding B (transitively).
type_includes = Table(
    "qualification_type_includes",
    db.metadata,
    Column("type_id", ForeignKey("qualification_types.id", ondelete="CASCADE"), primary_key=True),
    Column("included_type_id", ForeignKey("qualification_types.id", ondelete="CASCADE"), primary_key=True),
)

#: Type R counts as a refresher for type A (e.g. a deepening seminar for a basic course).
type_refreshers = Table(
    "qualification_type_refreshers",
    db.metadata,
    Column("type_id", ForeignKey("qualification_types.id", ondelete="CASCADE"), primary_key=True),
    Column("refresher_type_id", ForeignKey("qualification_types.id", ondelete="CASCADE"), primary_key=True),
)


class QualificationType(Model):
    """A training programme in the catalogue that coordinators maintain."""

    __tablename__ = "qualification_types"
    __retention__ = Retention.REFERENCE

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: A short stable name for imports and seeds, e.g. "lay-interpreter-basic".
    code: Mapped[str] = mapped_column(String(60), unique=True)
    #: Its name per UI locale, e.g. {"de": "Gesundheitslotse", "en": "Health guide"}; German always.
    names: Mapped[dict[str, str]] = mapped_column(JSON)
    area: Mapped[QualificationArea] = mapped_column(str_enum(QualificationArea, "qualification_area"))
    #: Teaching units of 45 minutes.
    teaching_units: Mapped[int | None] = mapped_column(Integer)
    #: Months a certificate stays valid; None: it does not expire.
    validity_months: Mapped[int | None] = mapped_column(Integer)
    #: Months after which a refresher (one of `refreshers`) is needed to stay in good standing.
    refresher_months: Mapped[int | None] = mapped_column(Integer)
    #: Retired types stay on old records but cannot be chosen any more.
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=100)

    includes: Mapped[list[QualificationType]] = relationship(
        secondary=type_includes,
        primaryjoin=lambda: QualificationType.id == type_includes.c.type_id,
        secondaryjoin=lambda: QualificationType.id == type_includes.c.included_type_id,
        order_by=lambda: QualificationType.sort_order,
    )
    refreshers: Mapped[list[QualificationType]] = relationship(
        secondary=type_refreshers,
        primaryjoin=lambda: QualificationType.id == type_refreshers.c.type_id,
        secondaryjoin=lambda: QualificationType.id == type_refreshers.c.refresher_type_id,
        order_by=lambda: QualificationType.sort_order,
    )

    def name(self, locale: str) -> str:
        return localized(self.names, locale)

    def __repr__(self) -> str:
        return f"<QualificationType {self.code}>"


class Requirement(Model):
    """What a volunteer needs for one area and kind of work (coordinators maintain it)."""

    __tablename__ = "requirements"
    __retention__ = Retention.REFERENCE
    __table_args__ = (UniqueConstraint("area", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    area: Mapped[Area] = mapped_column(str_enum(Area, "requirement_area"))
    kind: Mapped[WorkKind] = mapped_column(str_enum(WorkKind, "requirement_kind"))
    #: Minimum level in the language of the assignment (not German).
    min_language_level: Mapped[LanguageLevel | None] = mapped_column(str_enum(LanguageLevel, "min_language_level"))
    min_german_level: Mapped[LanguageLevel | None] = mapped_column(str_enum(LanguageLevel, "min_german_level"))
    needs_police_certificate: Mapped[bool] = mapped_column(Boolean, default=True)
    #: With minors involved, only the extended certificate (§ 30a BZRG) counts.
    extended_certificate_for_minors: Mapped[bool] = mapped_column(Boolean, default=True)

    accepted: Mapped[list[AcceptedType]] = relationship(
        back_populates="requirement", cascade="all, delete-orphan", order_by="AcceptedType.group"
    )


class AcceptedType(Model):
    """A qualification type a requirement accepts. Within a group one is enough; every group
    must be met (e.g. group 1: the lay-interpreter course; group 2: a health module)."""

    __tablename__ = "requirement_accepted_types"
    __retention__ = Retention.REFERENCE

    requirement_id: Mapped[int] = mapped_column(ForeignKey("requirements.id", ondelete="CASCADE"), primary_key=True)
    type_id: Mapped[int] = mapped_column(ForeignKey("qualification_types.id", ondelete="CASCADE"), primary_key=True)
    group: Mapped[int] = mapped_column(Integer, primary_key=True, default=1)

    requirement: Mapped[Requirement] = relationship(back_populates="accepted")
    type: Mapped[QualificationType] = relationship()


class Qualification(Model):
    """A training a volunteer took: logged by them (pending until verified) or recorded by a
    coordinator (for the centre's own trainings, verified at once)."""

    __tablename__ = "qualifications"
    __retention__ = Retention.ACCOUNT
    # What runs out finds trainings completed in a window of days, per type.
    __table_args__ = (Index("ix_qualifications_type_completed", "type_id", "completed_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("volunteer_profiles.id", ondelete="CASCADE"), index=True)
    #: None for "other" training, described in other_description.
    type_id: Mapped[int | None] = mapped_column(ForeignKey("qualification_types.id"), index=True)
    other_description: Mapped[str | None] = mapped_column(String(300))
    provider: Mapped[str] = mapped_column(String(200))
    completed_on: Mapped[date] = mapped_column(Date)
    teaching_units: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[QualificationStatus] = mapped_column(
        str_enum(QualificationStatus, "qualification_status"), default=QualificationStatus.PENDING, index=True
    )
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    #: A coordinator reopened a rejection: when, who, and why (the volunteer reads it in a mail).
    reopened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reopened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reopen_reason: Mapped[str | None] = mapped_column(Text)
    #: Set on verification from the type's validity (inclusive); None: no expiry.
    valid_until: Mapped[date | None] = mapped_column(Date, index=True)
    #: Set by `flask remind` once the validity has run out.
    expired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Whether a proof file is attached (lists show it without loading the file).
    has_proof: Mapped[bool] = mapped_column(Boolean, default=False)

    profile: Mapped[VolunteerProfile] = relationship()
    type: Mapped[QualificationType | None] = relationship()
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    proof: Mapped[ProofFile | None] = relationship(
        back_populates="qualification", uselist=False, cascade="all, delete-orphan", passive_deletes=True
    )


class ProofFile(Model):
    """A proof of a training (PDF, JPEG or PNG), kept in the database so every app server and
    every backup has it. Its own table: lists never load the bytes."""

    __tablename__ = "proof_files"
    __retention__ = Retention.ACCOUNT

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    qualification_id: Mapped[int] = mapped_column(ForeignKey("qualifications.id", ondelete="CASCADE"), unique=True)
    #: A safe version of the uploaded name, for the download.
    filename: Mapped[str] = mapped_column(String(120))
    #: Determined from the content, never from the name.
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    qualification: Mapped[Qualification] = relationship(back_populates="proof")
