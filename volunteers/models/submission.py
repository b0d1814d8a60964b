"""The one-time keys of create forms: the same form sent twice (the back button, two tabs, a
slow line) finds what the first one created instead of creating it again."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db_types import UTCDateTime, str_enum, utcnow
from ..extensions import Model
from .retention import Retention


class CreatedRecord(enum.Enum):
    """What a create form makes (and where its second submission is sent to see it)."""

    TRAINING = "training"
    REQUEST = "request"
    OFFERS = "offers"
    VOLUNTEER = "volunteer"
    INVITATION = "invitation"
    ABSENCE = "absence"
    EXCLUSION = "exclusion"
    POLICE_CERTIFICATE = "police_certificate"
    QUALIFICATION_TYPE = "qualification_type"
    DECLARATION_VERSION = "declaration_version"
    ORGANISATION = "organisation"
    REGISTRATION = "registration"


class FormSubmission(Model):
    """A create form's key, recorded in the transaction that creates the record: the unique
    key lets only one of two racing submissions through."""

    __tablename__ = "form_submissions"
    __retention__ = Retention.SHORT_LIVED

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: Random, put into the form when it is shown.
    key: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[CreatedRecord] = mapped_column(str_enum(CreatedRecord, "created_record"))
    #: Who sent it; None for a registration (nobody is signed in yet).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    #: The id of what was created (a request for offers); None for a registration.
    record_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
