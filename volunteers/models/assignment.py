"""An accepted offer after its appointment: what happened, the hours and kilometres, the
organisation's answer. Its moves are in services/assignments.py; its history is written to
request_events like the request's and the offer's."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import UTCDateTime, str_enum, utcnow
from ..extensions import Model
from .enums import AssignmentState, CancelledBy, Channel, Outcome
from .retention import Retention
from .support import Offer, SupportRequest
from .user import User
from .volunteer import VolunteerProfile

#: Feedback for the centre is short: a few sentences, never a case file.
FEEDBACK_MAX_LENGTH = 1000
#: Travel within one place is never a straight line of nothing: kilometres are weighed against
#: at least this much there and back (so 60 km from Baunatal to Baunatal is asked about).
LOCAL_KM = 10


def detour_limit(straight_km: int) -> int:
    """Above this many kilometres there and back the report asks whether the figure is right."""
    return 3 * max(straight_km, LOCAL_KM)


#: A dispute's or a correction's reason.
REASON_MAX_LENGTH = 1000
#: A reflection talk wished and not held yet, as each database writes the condition the list
#: asks (services/assignment_lists.py), so that its planner matches the partial index.
REFLECTION_WAITING_SQLITE = "wants_reflection_talk = 1 AND reflection_done_at IS NULL"
REFLECTION_WAITING_POSTGRESQL = "wants_reflection_talk = true AND reflection_done_at IS NULL"


class Assignment(Model):
    """One volunteer's part in one appointment, from the day after it until it is settled."""

    __tablename__ = "assignments"
    __retention__ = Retention.SETTLEMENT
    __table_args__ = (
        # Reminders and the coordinators' lists: by state, oldest appointment first.
        Index("ix_assignments_state_appointment", "state", "appointment_at"),
        # Reflection talks wished and not held yet, oldest appointment first: a partial index,
        # as small as the list (IS NULL in a composite one does not give PostgreSQL the order).
        Index(
            "ix_assignments_reflection_waiting",
            "appointment_at",
            "id",
            sqlite_where=text(REFLECTION_WAITING_SQLITE),
            postgresql_where=text(REFLECTION_WAITING_POSTGRESQL),
        ),
        # A volunteer's hours in a week, a year; the settlement of a month per volunteer.
        Index("ix_assignments_profile_appointment", "profile_id", "appointment_at"),
        # The assignments settled in (or moved to) a month: only those rows, so that the planner
        # sees how few match (most rows have none; services/settlement.month_parts).
        Index(
            "ix_assignments_settled_month",
            "settled_month",
            "state",
            sqlite_where=text("settled_month IS NOT NULL"),
            postgresql_where=text("settled_month IS NOT NULL"),
        ),
        CheckConstraint("duration_minutes IS NULL OR duration_minutes BETWEEN 1 AND 1440", name="duration_in_range"),
        CheckConstraint("travel_km IS NULL OR travel_km BETWEEN 0 AND 2000", name="travel_km_in_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"), unique=True)
    # The offer's volunteer and request, kept here for the sums per volunteer and per client.
    profile_id: Mapped[int] = mapped_column(ForeignKey("volunteer_profiles.id", ondelete="CASCADE"))
    request_id: Mapped[int] = mapped_column(ForeignKey("support_requests.id", ondelete="CASCADE"), index=True)
    #: When the appointment was planned to begin (UTC): the day its month and limits count on.
    appointment_at: Mapped[datetime] = mapped_column(UTCDateTime)
    state: Mapped[AssignmentState] = mapped_column(
        str_enum(AssignmentState, "assignment_state"), default=AssignmentState.AWAITING_REPORT
    )
    outcome: Mapped[Outcome | None] = mapped_column(str_enum(Outcome, "assignment_outcome"))
    cancelled_by: Mapped[CancelledBy | None] = mapped_column(str_enum(CancelledBy, "assignment_cancelled_by"))
    #: What actually happened: the start (UTC) and the minutes worked.
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    duration_minutes: Mapped[int | None] = mapped_column(Integer)
    #: Kilometres travelled there and back, as reported (whole kilometres).
    travel_km: Mapped[int | None] = mapped_column(Integer)
    #: The straight line from the home place to the appointment's place, there and back, when
    #: the report was made: the form's suggestion, and what a long detour is measured against.
    straight_km: Mapped[int | None] = mapped_column(Integer)
    #: For the centre only; the form asks not to write health details.
    feedback: Mapped[str | None] = mapped_column(Text)
    wants_reflection_talk: Mapped[bool] = mapped_column(Boolean, default=False)
    reflection_done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    report_channel: Mapped[Channel | None] = mapped_column(str_enum(Channel, "assignment_report_channel"))
    #: The organisation's answer (or the day it counted as confirmed without one).
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    confirmed_automatically: Mapped[bool] = mapped_column(Boolean, default=False)
    dispute_reason: Mapped[str | None] = mapped_column(Text)
    #: What it is paid, under the compensation rule of its day: worked out when it is reported
    #: and again when its figures are corrected (the sums per year add it up in SQL).
    amount_cents: Mapped[int | None] = mapped_column(Integer)
    #: The month (its first day) whose settlement holds it; None until then.
    settled_month: Mapped[date | None] = mapped_column(Date)
    #: Reminders sent to the volunteer (after one and four days) and the organisation (three).
    volunteer_reminders: Mapped[int] = mapped_column(Integer, default=0)
    organisation_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Raised on every change: a form sent from an older version is refused.
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    offer: Mapped[Offer] = relationship()
    request: Mapped[SupportRequest] = relationship()
    profile: Mapped[VolunteerProfile] = relationship()
    reported_by: Mapped[User | None] = relationship(foreign_keys=[reported_by_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])

    @property
    def hours(self) -> float:
        """The hours that count: the minutes worked when the volunteer went, else none."""
        if self.outcome is None or not self.outcome.volunteer_went or not self.duration_minutes:
            return 0.0
        return self.duration_minutes / 60

    @property
    def long_detour(self) -> bool:
        """More than three times the straight line: the report says so, a coordinator looks."""
        if self.travel_km is None or self.straight_km is None:
            return False
        return self.travel_km > detour_limit(self.straight_km)
