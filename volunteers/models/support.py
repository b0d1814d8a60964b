"""Support requests from organisations, the offers made to volunteers, their history, and the
exclusions coordinators record."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import UTCDateTime, str_enum, utcnow
from ..extensions import Model
from .enums import (
    Actor,
    Area,
    AssignmentState,
    Channel,
    EventSubject,
    GenderPreference,
    Mode,
    OfferState,
    RequestState,
    ResponseChannel,
    TopicCategory,
    WorkKind,
)
from .language import Language
from .organisation import Organisation
from .place import Place
from .retention import Retention
from .user import User
from .volunteer import VolunteerProfile


def _state_in(states: Iterable[enum.Enum]) -> str:
    """A partial index's condition on `state`, in SQL both databases read."""
    return "state IN ({})".format(", ".join(f"'{state.value}'" for state in states))


#: The requests the board's tab "to fill" shows, as its partial indexes say it (services/board.py).
TO_FILL = _state_in(RequestState.to_fill())
LIVE_OFFER = _state_in(OfferState.live())


def _to_fill_index(name: str, *columns: str) -> Index:
    return Index(name, *columns, sqlite_where=text(TO_FILL), postgresql_where=text(TO_FILL))


class SupportRequest(Model):
    """A migrant organisation asks for volunteers for a person, who stays pseudonymous."""

    __tablename__ = "support_requests"
    __retention__ = Retention.REQUEST
    __table_args__ = (
        Index("ix_support_requests_state_starts", "state", "starts_at"),
        # The board's orders (services/board.py): by the other tabs' state, and for "to fill".
        Index("ix_support_requests_state_created", "state", "created_at"),
        Index("ix_support_requests_organisation_state_starts", "organisation_id", "state", "starts_at"),
        _to_fill_index("ix_support_requests_to_fill_starts", "starts_at", "id"),
        _to_fill_index("ix_support_requests_to_fill_created", "created_at", "id"),
        _to_fill_index("ix_support_requests_to_fill_organisation", "organisation_id", "starts_at", "id"),
        CheckConstraint("places_filled >= 0 AND places_filled <= places_needed", name="places_filled_in_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: True when a coordinator entered it on the organisation's behalf (taken by phone).
    entered_by_centre: Mapped[bool] = mapped_column(Boolean, default=False)
    area: Mapped[Area] = mapped_column(str_enum(Area, "request_area"))
    kind: Mapped[WorkKind] = mapped_column(str_enum(WorkKind, "request_kind"))
    places_needed: Mapped[int] = mapped_column(Integer, default=1)
    #: Places taken by accepted offers; raised by a conditional UPDATE, never past places_needed.
    places_filled: Mapped[int] = mapped_column(Integer, default=0)
    language_code: Mapped[str] = mapped_column(ForeignKey("languages.code"), index=True)
    topic: Mapped[TopicCategory] = mapped_column(str_enum(TopicCategory, "topic_category"))
    mode: Mapped[Mode] = mapped_column(str_enum(Mode, "request_mode"))
    #: The appointment, in UTC; shown in Europe/Berlin.
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    duration_minutes: Mapped[int] = mapped_column(Integer)
    #: One alternative slot, same duration.
    alternative_starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    place_id: Mapped[int | None] = mapped_column(ForeignKey("places.id"))
    meeting_point: Mapped[str | None] = mapped_column(String(200))
    #: Who receives the volunteer on site (a role and a phone number, for example).
    contact_on_site: Mapped[str | None] = mapped_column(String(200))
    gender_preference: Mapped[GenderPreference] = mapped_column(
        str_enum(GenderPreference, "gender_preference"), default=GenderPreference.NONE
    )
    minors_involved: Mapped[bool] = mapped_column(Boolean, default=False)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    urgent_reason: Mapped[str | None] = mapped_column(Text)
    #: The organisation's pseudonym for the person: never a name.
    client_reference: Mapped[str] = mapped_column(String(40), index=True)
    consent_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    not_excluded_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[RequestState] = mapped_column(str_enum(RequestState, "request_state"), default=RequestState.OPEN)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    #: A coordinator let this request pass the funded assignments per client, and why (audited).
    cap_exception_reason: Mapped[str | None] = mapped_column(Text)
    cap_exception_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    cap_exception_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    #: Raised on every change: an edit made on an older version is refused.
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    organisation: Mapped[Organisation] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    language: Mapped[Language] = relationship()
    place: Mapped[Place | None] = relationship()
    offers: Mapped[list[Offer]] = relationship(back_populates="request", order_by="Offer.id")

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def places_free(self) -> int:
        return max(self.places_needed - self.places_filled, 0)


class Offer(Model):
    """A request offered to one volunteer."""

    __tablename__ = "offers"
    __retention__ = Retention.REQUEST
    __table_args__ = (
        Index("ix_offers_profile_state", "profile_id", "state"),
        # The overview counts the offers waiting for an answer (state, then expiry).
        Index("ix_offers_state_expires", "state", "expires_at"),
        # One live offer per volunteer and request (a declined one may be followed by another).
        Index(
            "uq_offers_live_per_volunteer",
            "request_id",
            "profile_id",
            unique=True,
            sqlite_where=text(LIVE_OFFER),
            postgresql_where=text(LIVE_OFFER),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("support_requests.id", ondelete="CASCADE"), index=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("volunteer_profiles.id", ondelete="CASCADE"))
    state: Mapped[OfferState] = mapped_column(str_enum(OfferState, "offer_state"), default=OfferState.OFFERED)
    offered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    offered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: An unanswered offer expires then (`flask tick`).
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    response_channel: Mapped[ResponseChannel | None] = mapped_column(str_enum(ResponseChannel, "response_channel"))
    #: The SEQUENCE of the calendar entry: raised whenever the appointment changes.
    calendar_sequence: Mapped[int] = mapped_column(Integer, default=0)
    #: A coordinator let this assignment cross a volunteer's hour or allowance limit, and why.
    limit_override_reason: Mapped[str | None] = mapped_column(Text)
    limit_override_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    request: Mapped[SupportRequest] = relationship(back_populates="offers")
    profile: Mapped[VolunteerProfile] = relationship()
    offered_by: Mapped[User | None] = relationship(foreign_keys=[offered_by_id])

    @property
    def is_live(self) -> bool:
        """Waiting for an answer or accepted: the volunteer holds a place or may take one."""
        return self.state.is_live


class RequestEvent(Model):
    """Append-only history of every transition of a request or an offer (time to match,
    fulfilment and other reports read it)."""

    __tablename__ = "request_events"
    __retention__ = Retention.REQUEST

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("support_requests.id", ondelete="CASCADE"), index=True)
    offer_id: Mapped[int | None] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: Who did it: the person (a volunteer answering through the mail link too); None for the
    #: system's scheduled jobs.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: In which role: what the history shows when the person is not to be named (or is gone).
    actor_role: Mapped[Actor] = mapped_column(str_enum(Actor, "event_actor"))
    #: How: in the portal, by the mail link, by phone (recorded by a coordinator), by a job.
    channel: Mapped[Channel] = mapped_column(str_enum(Channel, "event_channel"))
    subject: Mapped[EventSubject] = mapped_column(str_enum(EventSubject, "event_subject"))
    #: States as their values; None when the record was created.
    from_state: Mapped[str | None] = mapped_column(String(32))
    to_state: Mapped[str] = mapped_column(String(32))
    #: A short, non-personal note, e.g. why an offer was withdrawn ("filled", "changed").
    note: Mapped[str | None] = mapped_column(String(300))
    #: An edit of the request: the fields it changed, as column names (shown by their labels,
    #: labels.REQUEST_FIELDS); None for a move.
    changed_fields: Mapped[list[str] | None] = mapped_column(JSON)
    #: Why, in the words of whoever did it (a volunteer cancelling, a coordinator withdrawing):
    #: shown to the centre only.
    reason: Mapped[str | None] = mapped_column(Text)

    actor: Mapped[User | None] = relationship()

    @property
    def target(self) -> RequestState | OfferState | AssignmentState:
        """The state moved to, as the enum of its subject."""
        states: dict[EventSubject, type[RequestState] | type[OfferState] | type[AssignmentState]] = {
            EventSubject.REQUEST: RequestState,
            EventSubject.OFFER: OfferState,
            EventSubject.ASSIGNMENT: AssignmentState,
        }
        return states[self.subject](self.to_state)


class Exclusion(Model):
    """A volunteer who must not be matched with an organisation, or with one of its clients."""

    __tablename__ = "volunteer_exclusions"
    __retention__ = Retention.ACCOUNT

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("volunteer_profiles.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    #: None: the whole organisation; otherwise only this client of it.
    client_reference: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    profile: Mapped[VolunteerProfile] = relationship()
