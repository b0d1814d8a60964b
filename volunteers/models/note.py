"""Coordinators' internal notes on a volunteer, an organisation or a request.

One table per kind of record, so that each note is kept exactly as long as its record (its
retention class) and goes with it (ON DELETE CASCADE). Only coordinators ever read them.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from ..db_types import UTCDateTime, utcnow
from ..extensions import Model
from .retention import Retention
from .user import User


class NoteKind(enum.Enum):
    """What a note is about; the value names it in URLs."""

    VOLUNTEER = "volunteer"
    ORGANISATION = "organisation"
    REQUEST = "request"


class _Note:
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: Free text for coordinators; never health details (the form says so).
    body: Mapped[str] = mapped_column(Text)
    #: Who wrote it; only they may change it. None once their account is gone.
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: When the author last changed it; None if never.
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Raised on every change: an edit made on an older version is refused.
    version: Mapped[int] = mapped_column(Integer, default=1)

    @declared_attr
    def author(cls) -> Mapped[User | None]:
        return relationship(User)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.version}


class VolunteerNote(_Note, Model):
    __tablename__ = "volunteer_notes"
    __retention__ = Retention.ACCOUNT
    __table_args__ = (Index("ix_volunteer_notes_profile_created", "profile_id", "created_at"),)
    kind = NoteKind.VOLUNTEER

    profile_id: Mapped[int] = mapped_column(ForeignKey("volunteer_profiles.id", ondelete="CASCADE"))


class OrganisationNote(_Note, Model):
    __tablename__ = "organisation_notes"
    __retention__ = Retention.ORGANISATION
    __table_args__ = (Index("ix_organisation_notes_organisation_created", "organisation_id", "created_at"),)
    kind = NoteKind.ORGANISATION

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))


class RequestNote(_Note, Model):
    __tablename__ = "request_notes"
    __retention__ = Retention.REQUEST
    __table_args__ = (Index("ix_request_notes_request_created", "request_id", "created_at"),)
    kind = NoteKind.REQUEST

    request_id: Mapped[int] = mapped_column(ForeignKey("support_requests.id", ondelete="CASCADE"))


Note = VolunteerNote | OrganisationNote | RequestNote

#: The model of each kind, and the column that names its record.
NOTE_MODELS: dict[NoteKind, type[VolunteerNote] | type[OrganisationNote] | type[RequestNote]] = {
    NoteKind.VOLUNTEER: VolunteerNote,
    NoteKind.ORGANISATION: OrganisationNote,
    NoteKind.REQUEST: RequestNote,
}
