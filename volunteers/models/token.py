from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import UTCDateTime, str_enum, utcnow
from ..extensions import Model
from .organisation import Organisation
from .retention import Retention
from .user import User

if TYPE_CHECKING:
    from .support import Offer


class TokenPurpose(enum.Enum):
    CONFIRM_EMAIL = "confirm_email"
    CHANGE_EMAIL = "change_email"
    RESET_PASSWORD = "reset_password"  # noqa: S105 (a purpose, not a secret)
    INVITATION = "invitation"
    #: The link in an offer mail: accept or decline without logging in.
    OFFER_RESPONSE = "offer_response"
    #: To the old address: stop (or undo) a change of address the owner did not ask for.
    STOP_EMAIL_CHANGE = "stop_email_change"
    #: Lets one browser past the login throttling of a shared network (services/throttle.py).
    UNLOCK_LOGIN = "unlock_login"
    #: The link in the mail after an appointment: the volunteer reports without logging in.
    REPORT_ASSIGNMENT = "report_assignment"
    #: The link to the organisation: confirm (or dispute) what the volunteer reported.
    CONFIRM_ASSIGNMENT = "confirm_assignment"


class ActionToken(Model):
    """A single-use, expiring secret sent by mail. Only its SHA-256 is stored."""

    __tablename__ = "action_tokens"
    __retention__ = Retention.SHORT_LIVED

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    purpose: Mapped[TokenPurpose] = mapped_column(str_enum(TokenPurpose, "token_purpose"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitations.id", ondelete="CASCADE"), index=True)
    offer_id: Mapped[int | None] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    #: Set once, by a conditional UPDATE, when the token is redeemed.
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: For a change of address: the new address, confirmed by redeeming the token.
    new_email: Mapped[str | None] = mapped_column(String(254))
    #: The address the link was mailed to, where it matters: for stopping a change of address,
    #: the old one (it is restored if the change was already confirmed).
    sent_to: Mapped[str | None] = mapped_column(String(254))

    user: Mapped[User | None] = relationship()
    invitation: Mapped[Invitation | None] = relationship()
    offer: Mapped[Offer | None] = relationship()


class InvitationRole(enum.Enum):
    COORDINATOR = "coordinator"
    ORGANISATION = "organisation"
    #: A volunteer the centre recorded takes over the account it made for them.
    VOLUNTEER = "volunteer"


class Invitation(Model):
    """An invitation to become a coordinator or a member of an organisation."""

    __tablename__ = "invitations"
    __retention__ = Retention.SHORT_LIVED

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: Normalised address the invitation was sent to.
    email: Mapped[str] = mapped_column(String(254), index=True)
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[InvitationRole] = mapped_column(str_enum(InvitationRole, "invitation_role"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    #: For organisation invitations: the new member may invite colleagues too.
    make_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: Language of the invitation mail (the inviter's choice).
    locale: Mapped[str] = mapped_column(String(8), default="de")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    organisation: Mapped[Organisation | None] = relationship()
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])
