"""After the appointment: the volunteer reports what happened, the organisation confirms or
disputes, coordinators resolve disputes and correct figures, and what nobody answered counts as
confirmed after the days set. Every move goes through `transitions.move` (the table in
transitions.ASSIGNMENT_TRANSITIONS) and is written to the request's history."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from types import ModuleType
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select
from sqlalchemy.orm import selectinload

from ..db_types import utcnow
from ..extensions import db
from ..models import Assignment, Offer, SupportRequest, User
from ..models.assignment import FEEDBACK_MAX_LENGTH, REASON_MAX_LENGTH, detour_limit
from ..models.enums import Actor, AssignmentState, CancelledBy, Channel, Mode, OfferState, Outcome
from . import ServiceError, ServiceErrors, audit, compensation, transitions
from .matching import distance_km
from .transitions import SCHEDULED_JOB, By

#: The longest an appointment can have lasted, in minutes (a whole day).
LONGEST_DURATION = 24 * 60
#: The most kilometres one report can claim, there and back.
MOST_KM = 2000


def _notify() -> ModuleType:
    from ..notifications import assignments as notify

    return notify


@dataclass(frozen=True)
class Report:
    """What the volunteer (or a coordinator, for them) says about the appointment."""

    outcome: Outcome
    started_at: datetime | None = None
    duration_minutes: int | None = None
    travel_km: int | None = None
    cancelled_by: CancelledBy | None = None
    feedback: str | None = None
    wants_reflection_talk: bool = False
    #: The volunteer confirmed a figure far above the straight line.
    long_detour_confirmed: bool = False


# ---------------------------------------------------------------------------------------------
# Becoming an assignment


def ended(offer: Offer, now: datetime) -> bool:
    return offer.state is OfferState.ACCEPTED and offer.request.ends_at <= now


def for_offer(offer: Offer, now: datetime | None = None) -> Assignment | None:
    """The assignment an accepted offer became when its appointment ended (made now if the
    job has not come round yet); None while the appointment has not ended."""
    existing = db.session.scalar(select(Assignment).where(Assignment.offer_id == offer.id))
    if existing is not None or not ended(offer, now or utcnow()):
        return existing
    return _begin(offer)


def _begin(offer: Offer) -> Assignment:
    assignment = Assignment(
        offer=offer,
        profile_id=offer.profile_id,
        request=offer.request,
        appointment_at=offer.request.starts_at,
        state=AssignmentState.AWAITING_REPORT,
    )
    db.session.add(assignment)
    db.session.flush()
    transitions.created(assignment, SCHEDULED_JOB)
    return assignment


def begin_ended(now: datetime, batch: int = 500) -> int:
    """`flask tick`: every accepted offer whose appointment has ended becomes an assignment
    waiting for the report (once: the offer's unique key says so)."""
    ends = SupportRequest.starts_at  # narrowed in SQL by the start; the end is checked per offer
    due = db.session.scalars(
        select(Offer)
        .join(SupportRequest, SupportRequest.id == Offer.request_id)
        .where(
            Offer.state == OfferState.ACCEPTED,
            ends <= now,
            ~exists().where(Assignment.offer_id == Offer.id),
        )
        .options(selectinload(Offer.request))
        .order_by(SupportRequest.starts_at, Offer.id)
        .limit(batch)
    ).all()
    begun = 0
    for offer in due:
        if ended(offer, now):
            _begin(offer)
            begun += 1
    return begun


def straight_km(assignment: Assignment) -> int | None:
    """The straight line from the volunteer's home place to the appointment's place, there and
    back, in whole kilometres; 0 by phone or video; None when a place has no coordinates."""
    request = assignment.request
    if request.mode is not Mode.ON_SITE:
        return 0
    home, target = assignment.profile.home_place, request.place
    if home is None or target is None or None in (home.latitude, home.longitude, target.latitude, target.longitude):
        return None
    one_way = distance_km((home.latitude, home.longitude), (target.latitude, target.longitude))  # type: ignore[arg-type]
    return round(2 * one_way)


# ---------------------------------------------------------------------------------------------
# The volunteer's report


def acting_as_volunteer(actor: User, assignment: Assignment, channel: Channel = Channel.PORTAL) -> By:
    """The volunteer (in the portal or by the mail link), or a coordinator recording by phone."""
    if assignment.profile.user_id == actor.id:
        return By(Actor.VOLUNTEER, actor, channel)
    if actor.is_coordinator:
        return By(Actor.COORDINATOR, actor, Channel.PHONE)
    raise ServiceError(_l("You may not do this."))


def _checked(report: Report, assignment: Assignment, now: datetime) -> dict[str, Any]:
    """The report's values as columns, or every problem at its field."""
    errors: list[ServiceError] = []
    values: dict[str, Any] = {
        "outcome": report.outcome,
        "cancelled_by": None,
        "started_at": None,
        "duration_minutes": None,
        "travel_km": None,
    }
    if report.outcome.volunteer_went:
        if report.started_at is None:
            errors.append(ServiceError(_l("Enter when the appointment began."), "start_time"))
        elif report.started_at > now:
            errors.append(ServiceError(_l("The start cannot be in the future."), "start_time"))
        elif abs(report.started_at - assignment.appointment_at) > timedelta(days=1):
            errors.append(
                ServiceError(_l("The start is more than a day from the planned one: check the date."), "start_time")
            )
        if report.duration_minutes is None:
            errors.append(ServiceError(_l("Enter how many minutes it took."), "duration_minutes"))
        elif not 1 <= report.duration_minutes <= LONGEST_DURATION:
            errors.append(ServiceError(_l("Enter between 1 and 1440 minutes."), "duration_minutes"))
        # To the minute, as the form asks for it: a correction that keeps the start changes nothing.
        start = report.started_at.replace(second=0, microsecond=0) if report.started_at else None
        values.update(started_at=start, duration_minutes=report.duration_minutes)
        km = 0 if assignment.request.mode is not Mode.ON_SITE else report.travel_km
        if km is not None and not 0 <= km <= MOST_KM:
            errors.append(ServiceError(_l("Enter between 0 and 2000 kilometres."), "travel_km"))
        elif km is not None and not report.long_detour_confirmed:
            line = assignment.straight_km if assignment.straight_km is not None else straight_km(assignment)
            if line is not None and km > detour_limit(line):
                errors.append(
                    ServiceError(
                        _l(
                            "That is far more than the straight line there and back (%(km)d km) suggests. "
                            "Check the figure, or tick that it is right.",
                            km=line,
                        ),
                        "travel_km",
                    )
                )
        values["travel_km"] = km
    elif report.outcome is Outcome.CANCELLED_SHORT_NOTICE:
        if report.cancelled_by is None:
            errors.append(ServiceError(_l("Choose who cancelled."), "cancelled_by"))
        values["cancelled_by"] = report.cancelled_by
    feedback = (report.feedback or "").strip() or None
    if feedback is not None and len(feedback) > FEEDBACK_MAX_LENGTH:
        errors.append(
            ServiceError(_l("Keep the feedback under %(max)d characters.", max=FEEDBACK_MAX_LENGTH), "feedback")
        )
    if errors:
        raise ServiceErrors(errors)
    values.update(feedback=feedback, wants_reflection_talk=report.wants_reflection_talk)
    return values


def problems(assignment: Assignment, given: Report, now: datetime | None = None) -> list[ServiceError]:
    """Every problem of a report, each at its field; none when it can be sent. (A form whose
    own checks failed shows these beside its own, so fixing one does not uncover the next.)"""
    try:
        _checked(given, assignment, now or utcnow())
    except ServiceErrors as refused:
        return list(refused.errors)
    return []


def report(by: By, assignment: Assignment, given: Report, now: datetime | None = None) -> None:
    """The volunteer says what happened; the organisation is asked to confirm."""
    now = now or utcnow()
    if assignment.state is not AssignmentState.AWAITING_REPORT:
        raise ServiceError(_l("This appointment has been reported already. The page shows the report."))
    transitions.check(assignment, AssignmentState.REPORTED, by.role)
    values = _checked(given, assignment, now)
    transitions.move(
        assignment,
        AssignmentState.REPORTED,
        by,
        conflict=_l("This appointment has been reported already. The page shows the report."),
        reported_at=now,
        reported_by_id=by.user.id if by.user is not None else None,
        report_channel=by.channel,
        straight_km=straight_km(assignment),
        **values,
    )
    assignment.amount_cents = compensation.amount_for(assignment)
    _notify().ask_organisation_to_confirm(assignment)


# ---------------------------------------------------------------------------------------------
# The organisation's answer, and the coordinators'


#: A form sent from an older version of the assignment (two coordinators at once).
STALE = _l(
    "This assignment was changed in the meantime (by someone else or in another window). "
    "Check it as it is now; what you typed is still below. Send it again to overwrite."
)
#: A closed month is never edited.
SETTLED = _l("This assignment is settled: a correction goes into the next open month.")


def _check_version(assignment: Assignment, expected_version: int | None) -> None:
    """Refuses a change made from a page that showed an older version of the assignment."""
    if expected_version is not None and expected_version != assignment.version:
        raise ServiceError(STALE, "version")


def confirm(by: By, assignment: Assignment, now: datetime | None = None, expected_version: int | None = None) -> None:
    """The organisation confirms the report (in its portal, by the mail link, or by phone
    through a coordinator)."""
    _check_version(assignment, expected_version)
    transitions.move(
        assignment,
        AssignmentState.CONFIRMED,
        by,
        conflict=_l("This appointment has been answered already. The page shows the answer."),
        answered_at=now or utcnow(),
        answered_by_id=by.user.id if by.user is not None else None,
    )


def _reason(reason: str | None, field: str = "reason", missing: str | None = None) -> str:
    text = (reason or "").strip()
    if not text:
        raise ServiceError(missing or _l("Say why, in a sentence."), field)
    if len(text) > REASON_MAX_LENGTH:
        raise ServiceError(_l("Keep it under %(max)d characters.", max=REASON_MAX_LENGTH), field)
    return text


def dispute(by: By, assignment: Assignment, reason: str | None, now: datetime | None = None) -> None:
    """The organisation says the report is not right; the coordinators resolve it."""
    text = _reason(reason, missing=_l("Say what was different, in a sentence."))
    transitions.move(
        assignment,
        AssignmentState.DISPUTED,
        by,
        reason=text,
        conflict=_l("This appointment has been answered already. The page shows the answer."),
        answered_at=now or utcnow(),
        answered_by_id=by.user.id if by.user is not None else None,
        dispute_reason=text,
    )
    _notify().tell_coordinators_of_dispute(assignment)


#: The figures a coordinator may correct, with the name the history shows them by.
_CORRECTABLE = {
    "outcome": "outcome",
    "cancelled_by": "cancelled_by",
    "started_at": "started_at",
    "duration_minutes": "actual_duration_minutes",
    "travel_km": "travel_km",
}


def _without_detour_question(figures: Report) -> Report:
    """A coordinator's figures are checked as a report is, without the detour question."""
    return Report(**{f.name: getattr(figures, f.name) for f in fields(figures)} | {"long_detour_confirmed": True})


def checked_figures(assignment: Assignment, figures: Report) -> dict[str, Any]:
    """A coordinator's figures as columns, checked as a correction is (every problem at its field)."""
    corrected_on = max(utcnow(), assignment.appointment_at + timedelta(days=1))
    return _checked(_without_detour_question(figures), assignment, corrected_on)


def reason_text(reason: str | None) -> str:
    """A coordinator's reason, required and not too long."""
    return _reason(reason)


def _apply_correction(coordinator: User, assignment: Assignment, figures: Report, reason: str) -> list[str]:
    """Writes corrected figures (checked as a report is, without the detour question) and
    returns the fields that changed, as the history names them."""
    values = checked_figures(assignment, figures)
    changed = [shown for column, shown in _CORRECTABLE.items() if getattr(assignment, column) != values[column]]
    for column in _CORRECTABLE:
        setattr(assignment, column, values[column])
    assignment.amount_cents = compensation.amount_for(assignment)
    if changed:
        audit.record(
            "assignment.corrected",
            actor=coordinator,
            subject=assignment.profile.user,
            assignment=assignment.id,
            fields=",".join(changed),
        )
    return changed


def _history_of_correction(by: By, assignment: Assignment, changed: list[str], reason: str) -> None:
    """The request's history says which figures a coordinator changed, and why (the state stays)."""
    transitions.history(
        assignment.request,
        by,
        assignment.state,
        assignment.state,
        offer=assignment.offer,
        reason=reason,
        changed=changed,
        assignment=True,
    )


def resolve(
    coordinator: User,
    assignment: Assignment,
    reason: str | None,
    figures: Report | None = None,
    expected_version: int | None = None,
) -> None:
    """A coordinator settles a dispute: the figures as they were (`figures` None) or corrected,
    always with a reason in the history and (for corrections) the audit log."""
    _check_version(assignment, expected_version)
    text = _reason(reason)
    by = By(Actor.COORDINATOR, coordinator)
    transitions.check(assignment, AssignmentState.CONFIRMED, by.role)
    if figures is not None:
        changed = _apply_correction(coordinator, assignment, figures, text)
        if not changed:
            raise ServiceError(_l("No figure was changed: resolve it as reported, or change a figure."), "decision")
        _history_of_correction(by, assignment, changed, text)
    transitions.move(assignment, AssignmentState.CONFIRMED, by, reason=text)
    audit.record(
        "assignment.dispute_resolved", actor=coordinator, subject=assignment.profile.user, assignment=assignment.id
    )
    _notify().tell_organisation_of_resolution(assignment)


def correct(
    coordinator: User,
    assignment: Assignment,
    figures: Report,
    reason: str | None,
    expected_version: int | None = None,
) -> list[str]:
    """A coordinator corrects the figures of an assignment not yet settled (a closed month is
    never edited: its corrections are adjustment lines in the next one, services/adjustments.py)."""
    _check_version(assignment, expected_version)
    text = _reason(reason)
    if assignment.state is AssignmentState.SETTLED:
        raise ServiceError(SETTLED)
    if assignment.state is AssignmentState.AWAITING_REPORT:
        raise ServiceError(_l("Nothing is reported yet: record the report instead."))
    changed = _apply_correction(coordinator, assignment, figures, text)
    if not changed:
        raise ServiceError(_l("Nothing was changed."))
    by = By(Actor.COORDINATOR, coordinator)
    _history_of_correction(by, assignment, changed, text)
    return changed


def reflection_talk_held(
    coordinator: User, assignment: Assignment, now: datetime | None = None, expected_version: int | None = None
) -> None:
    """The centre has had the reflection talk the volunteer asked for: it leaves the list."""
    if not coordinator.is_coordinator:
        raise ServiceError(_l("You may not do this."))
    _check_version(assignment, expected_version)
    if not assignment.wants_reflection_talk or assignment.reflection_done_at is not None:
        raise ServiceError(_l("No reflection talk is waiting for this assignment."))
    assignment.reflection_done_at = now or utcnow()


# ---------------------------------------------------------------------------------------------
# What `flask tick` does


def confirm_unanswered(now: datetime, days: int) -> int:
    """Reports the organisation did not answer within `days` count as confirmed (recorded so)."""
    due = db.session.scalars(
        select(Assignment)
        .where(Assignment.state == AssignmentState.REPORTED, Assignment.reported_at <= now - timedelta(days=days))
        .order_by(Assignment.reported_at, Assignment.id)
        .limit(500)
    ).all()
    confirmed = 0
    for assignment in due:
        try:
            transitions.move(
                assignment,
                AssignmentState.CONFIRMED,
                SCHEDULED_JOB,
                note="no answer",
                answered_at=now,
                confirmed_automatically=True,
            )
        except ServiceError:  # answered in the meantime
            continue
        confirmed += 1
    return confirmed


#: The volunteer is reminded one and four days after the appointment; the organisation three
#: days after the report.
VOLUNTEER_REMINDER_DAYS = (1, 4)
ORGANISATION_REMINDER_DAYS = 3


def remind(now: datetime) -> tuple[int, int]:
    """Sends the reminders that are due, each once however often the job runs (the counter
    and the time are raised in the same transaction as the mail is queued)."""
    volunteers = 0
    for number, days in enumerate(VOLUNTEER_REMINDER_DAYS, start=1):
        due = db.session.scalars(
            select(Assignment)
            .where(
                Assignment.state == AssignmentState.AWAITING_REPORT,
                Assignment.volunteer_reminders < number,
                Assignment.appointment_at <= now - timedelta(days=days),
            )
            .order_by(Assignment.appointment_at, Assignment.id)
            .limit(500)
        ).all()
        for assignment in due:
            assignment.volunteer_reminders = (
                len(VOLUNTEER_REMINDER_DAYS) if number == 1 and _late(assignment, now) else number
            )
            _notify().remind_volunteer_to_report(assignment)
            volunteers += 1
    organisations = 0
    for assignment in db.session.scalars(
        select(Assignment)
        .where(
            Assignment.state == AssignmentState.REPORTED,
            Assignment.organisation_reminded_at.is_(None),
            Assignment.reported_at <= now - timedelta(days=ORGANISATION_REMINDER_DAYS),
        )
        .order_by(Assignment.reported_at, Assignment.id)
        .limit(500)
    ):
        assignment.organisation_reminded_at = now
        _notify().remind_organisation_to_confirm(assignment)
        organisations += 1
    return volunteers, organisations


def _late(assignment: Assignment, now: datetime) -> bool:
    """Already past the second reminder's day (the job was not running): one mail, not two."""
    return assignment.appointment_at <= now - timedelta(days=VOLUNTEER_REMINDER_DAYS[-1])


__all__ = [
    "SETTLED",
    "STALE",
    "Report",
    "acting_as_volunteer",
    "begin_ended",
    "checked_figures",
    "confirm",
    "confirm_unanswered",
    "correct",
    "dispute",
    "for_offer",
    "problems",
    "reason_text",
    "reflection_talk_held",
    "remind",
    "report",
    "resolve",
    "straight_km",
]
