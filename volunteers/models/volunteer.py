from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import UTCDateTime, str_enum, utcnow
from ..extensions import Model
from .enums import ContactChannel, DayPart, Gender, LanguageLevel, Mobility, Programme, TaxAllowance, VolunteerStatus
from .language import Language
from .place import Place
from .retention import Retention
from .user import User


class VolunteerProfile(Model):
    """What a volunteer tells the centre; names and email stay on the account (users)."""

    __tablename__ = "volunteer_profiles"
    __retention__ = Retention.ACCOUNT

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    home_place_id: Mapped[int | None] = mapped_column(ForeignKey("places.id"), index=True)
    mobility: Mapped[Mobility | None] = mapped_column(str_enum(Mobility, "mobility"))
    #: How far (straight line, km) the volunteer will travel to an appointment.
    max_travel_km: Mapped[int | None] = mapped_column(Integer)
    german_level: Mapped[LanguageLevel | None] = mapped_column(str_enum(LanguageLevel, "german_level"))
    #: Areas the volunteer wants to work in.
    area_language: Mapped[bool] = mapped_column(Boolean, default=False)
    area_health: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Kinds of work the volunteer wants to do.
    kind_interpreting: Mapped[bool] = mapped_column(Boolean, default=False)
    kind_accompanying: Mapped[bool] = mapped_column(Boolean, default=False)
    kind_information_event: Mapped[bool] = mapped_column(Boolean, default=False)
    kind_mentoring: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Used only to honour a request's explicit gender preference.
    gender: Mapped[Gender] = mapped_column(str_enum(Gender, "gender"), default=Gender.NOT_STATED)
    gender_self_description: Mapped[str | None] = mapped_column(String(100))
    max_assignments_per_month: Mapped[int] = mapped_column(Integer, default=4)
    #: How the volunteer is paid, and the tax-free allowance the payments count against.
    programme: Mapped[Programme] = mapped_column(
        str_enum(Programme, "programme"), default=Programme.PER_ASSIGNMENT, server_default="per_assignment"
    )
    tax_allowance: Mapped[TaxAllowance] = mapped_column(
        str_enum(TaxAllowance, "tax_allowance"), default=TaxAllowance.VOLUNTEER, server_default="volunteer"
    )
    contact_channel: Mapped[ContactChannel] = mapped_column(
        str_enum(ContactChannel, "contact_channel"), default=ContactChannel.NONE
    )
    status: Mapped[VolunteerStatus] = mapped_column(
        str_enum(VolunteerStatus, "volunteer_status"), default=VolunteerStatus.APPLICANT, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    #: Raised on every change: an edit made on an older version is refused, not silently lost.
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    user: Mapped[User] = relationship(back_populates="profile")
    home_place: Mapped[Place | None] = relationship()
    languages: Mapped[list[VolunteerLanguage]] = relationship(
        back_populates="profile", cascade="all, delete-orphan", order_by="VolunteerLanguage.language_code"
    )
    availability: Mapped[list[AvailabilitySlot]] = relationship(back_populates="profile", cascade="all, delete-orphan")
    absences: Mapped[list[Absence]] = relationship(
        back_populates="profile", cascade="all, delete-orphan", order_by="Absence.starts_on"
    )

    def __repr__(self) -> str:
        return f"<VolunteerProfile {self.id}>"


class VolunteerLanguage(Model):
    """A language variety a volunteer speaks, with a level. German is profile.german_level."""

    __tablename__ = "volunteer_languages"
    __retention__ = Retention.ACCOUNT
    __table_args__ = (
        UniqueConstraint("profile_id", "language_code"),
        Index("ix_volunteer_languages_language_level", "language_code", "level"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("volunteer_profiles.id", ondelete="CASCADE"), index=True)
    language_code: Mapped[str] = mapped_column(ForeignKey("languages.code"))
    level: Mapped[LanguageLevel] = mapped_column(str_enum(LanguageLevel, "language_level"))

    profile: Mapped[VolunteerProfile] = relationship(back_populates="languages")
    language: Mapped[Language] = relationship()


class AvailabilitySlot(Model):
    """One cell of the weekly grid: weekday (0 = Monday) and part of the day."""

    __tablename__ = "availability_slots"
    __retention__ = Retention.ACCOUNT
    __table_args__ = (UniqueConstraint("profile_id", "weekday", "day_part"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("volunteer_profiles.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int] = mapped_column(Integer)
    day_part: Mapped[DayPart] = mapped_column(str_enum(DayPart, "day_part"))

    profile: Mapped[VolunteerProfile] = relationship(back_populates="availability")


class Absence(Model):
    """Days on which the volunteer is not available, both ends included."""

    __tablename__ = "absences"
    __retention__ = Retention.ACCOUNT

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("volunteer_profiles.id", ondelete="CASCADE"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)

    profile: Mapped[VolunteerProfile] = relationship(back_populates="absences")


class StatusChange(Model):
    """The history of a volunteer's status: who changed it, when, from what, and why."""

    __tablename__ = "volunteer_status_changes"
    __retention__ = Retention.ACCOUNT

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("volunteer_profiles.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[VolunteerStatus | None] = mapped_column(str_enum(VolunteerStatus, "from_status"))
    to_status: Mapped[VolunteerStatus] = mapped_column(str_enum(VolunteerStatus, "to_status"))
    reason: Mapped[str | None] = mapped_column(Text)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    changed_by: Mapped[User | None] = relationship()
    profile: Mapped[VolunteerProfile] = relationship()
