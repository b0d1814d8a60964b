"""What became of the demo's past appointments, as the app would have recorded it: an
assignment for each, in every state before the monthly settlement (waiting for the report, once
and past the last reminder; reported and waiting for the organisation; confirmed by the
organisation; confirmed without an answer; disputed with a reason), one with a wish for a
reflection talk, one with a long detour; each with its history. So the coordinators' request
pages, their overview and lists, the volunteers' "Report how it went" and the organisation's
appointments to confirm have something to show. Loading again adds nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import select

from ..clock import today, utc_at
from ..db_types import utcnow
from ..extensions import db
from ..models import Assignment, Offer, RequestEvent, SupportRequest, User
from ..models.enums import Actor, AssignmentState, Channel, EventSubject, OfferState, Outcome
from ..services import assignments, compensation, transitions
from ..services.transitions import SCHEDULED_JOB, By

DOMAIN = "wir-vielfalt.example"


@dataclass(frozen=True)
class Story:
    """What happened after one appointment; days count back from loading."""

    state: AssignmentState
    #: Reminders to report the volunteer has had (after one and after four days).
    reminders: int = 0
    reported_days_ago: int | None = None
    #: How the report came: the volunteer in the portal or by the mail link, or by phone to
    #: the centre (then the demo coordinator recorded it).
    channel: Channel = Channel.PORTAL
    minutes: int = 90
    #: Kilometres there and back; None: the straight line.
    travel_km: int | None = None
    feedback: str | None = None
    reflection: bool = False
    #: The organisation's answer: who (an email's local part) and when; or none in time.
    answered_by: str | None = None
    answered_days_ago: int | None = None
    dispute_reason: str | None = None


STORIES = {
    # Amina has not reported, even after the second reminder: the coordinators' task.
    "DEMO-SY-012": Story(AssignmentState.AWAITING_REPORT, reminders=2),
    # Jean went the day before yesterday and has had the first reminder.
    "DEMO-ER-024": Story(AssignmentState.AWAITING_REPORT, reminders=1),
    # Reza reported by the link in the mail; the Syrian association has yet to confirm.
    "DEMO-SY-044": Story(
        AssignmentState.REPORTED,
        reminders=1,
        reported_days_ago=2,
        channel=Channel.MAIL_LINK,
        minutes=120,
        feedback="Die Wartezeit in der Ausländerbehörde war lang. Bitte beim nächsten Mal mehr Zeit einplanen.",
    ),
    # The Eritrean community says the appointment was shorter than Dawit reported.
    "DEMO-ER-006": Story(
        AssignmentState.DISPUTED,
        reminders=1,
        reported_days_ago=44,
        channel=Channel.MAIL_LINK,
        answered_by="selam.gebre",
        answered_days_ago=42,
        dispute_reason="Laut unserer Mitarbeiterin vor Ort hat der Termin nur 40 Minuten gedauert, nicht 90.",
    ),
    # Olena asked for a reflection talk; the Syrian association never answered.
    "DEMO-SY-016": Story(
        AssignmentState.CONFIRMED,
        reported_days_ago=69,
        minutes=105,
        feedback="Die Familie hat viel von früher erzählt. Ich würde das gern in Ruhe mit jemandem besprechen.",
        reflection=True,
    ),
    # Dawit called the centre: the train was cancelled and he went round by Wolfhagen.
    "DEMO-ER-002": Story(
        AssignmentState.CONFIRMED,
        reported_days_ago=118,
        channel=Channel.PHONE,
        travel_km=150,
        feedback="Der Zug fiel aus, ich bin über Wolfhagen gefahren.",
        answered_by="yonas.haile",
        answered_days_ago=116,
    ),
}


def _person(local: str | None) -> User | None:
    if local is None:
        return None
    return db.session.scalar(select(User).where(User.email == f"{local}@{DOMAIN}"))


def seed_assignments() -> int:
    """The assignment of each past demo appointment that has none yet."""
    desk = _person("koordination")
    if desk is None:
        return 0
    made = 0
    for reference, story in STORIES.items():
        offer = db.session.scalar(
            select(Offer)
            .join(SupportRequest, SupportRequest.id == Offer.request_id)
            .where(SupportRequest.client_reference == reference, Offer.state == OfferState.ACCEPTED)
        )
        if offer is None or db.session.scalar(select(Assignment.id).where(Assignment.offer_id == offer.id)):
            continue
        tell(offer, story, desk, utcnow())
        made += 1
    db.session.flush()
    return made


def _ago(now: datetime, days: int | None, hour: int) -> datetime | None:
    """That many days before loading, at a daytime hour (never in the future)."""
    if days is None:
        return None
    return min(utc_at(today() - timedelta(days=days), time(hour)), now - timedelta(hours=1))


def tell(offer: Offer, story: Story, desk: User, now: datetime) -> None:
    """The assignment and its history, as the app would have written them on those days."""
    record = offer.request
    assignment = Assignment(
        offer=offer,
        profile_id=offer.profile_id,
        request=record,
        appointment_at=record.starts_at,
        state=story.state,
        volunteer_reminders=story.reminders,
        created_at=record.ends_at + timedelta(minutes=10),
    )
    db.session.add(assignment)
    db.session.flush()
    moments = [assignment.created_at]
    transitions.history(record, SCHEDULED_JOB, None, AssignmentState.AWAITING_REPORT, offer=offer, assignment=True)
    reported_at = _ago(now, story.reported_days_ago, 18)
    if reported_at is None:
        _backdate(offer, moments)
        return
    volunteer = offer.profile.user
    by = (
        By(Actor.COORDINATOR, desk, Channel.PHONE)
        if story.channel is Channel.PHONE
        else By(Actor.VOLUNTEER, volunteer, story.channel)
    )
    line = assignments.straight_km(assignment)
    assignment.outcome = Outcome.TOOK_PLACE
    assignment.started_at = record.starts_at + timedelta(minutes=5)
    assignment.duration_minutes = story.minutes
    assignment.travel_km = story.travel_km if story.travel_km is not None else line
    assignment.straight_km = line
    assignment.feedback = story.feedback
    assignment.wants_reflection_talk = story.reflection
    assignment.reported_at = reported_at
    assignment.reported_by_id = by.user.id if by.user is not None else None
    assignment.report_channel = by.channel
    assignment.amount_cents = compensation.amount_for(assignment)
    transitions.history(
        record, by, AssignmentState.AWAITING_REPORT, AssignmentState.REPORTED, offer=offer, assignment=True
    )
    moments.append(reported_at)
    answerer = _person(story.answered_by)
    if story.state is AssignmentState.CONFIRMED and answerer is None:
        answered_at = reported_at + timedelta(days=14)
        assignment.answered_at, assignment.confirmed_automatically = answered_at, True
        transitions.history(
            record,
            SCHEDULED_JOB,
            AssignmentState.REPORTED,
            AssignmentState.CONFIRMED,
            offer=offer,
            note="no answer",
            assignment=True,
        )
        moments.append(answered_at)
    elif story.state in (AssignmentState.CONFIRMED, AssignmentState.DISPUTED) and answerer is not None:
        answered_at = _ago(now, story.answered_days_ago, 11) or reported_at
        assignment.answered_at, assignment.answered_by_id = answered_at, answerer.id
        assignment.dispute_reason = story.dispute_reason
        transitions.history(
            record,
            By(Actor.ORGANISATION, answerer, Channel.PORTAL),
            AssignmentState.REPORTED,
            story.state,
            offer=offer,
            reason=story.dispute_reason,
            assignment=True,
        )
        moments.append(answered_at)
    _backdate(offer, moments)


def _backdate(offer: Offer, moments: list[datetime]) -> None:
    db.session.flush()
    events = db.session.scalars(
        select(RequestEvent)
        .where(RequestEvent.offer_id == offer.id, RequestEvent.subject == EventSubject.ASSIGNMENT)
        .order_by(RequestEvent.id)
    ).all()
    for event, moment in zip(events, moments, strict=True):
        event.at = moment
