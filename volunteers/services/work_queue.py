"""The coordinators' work queue: what needs a decision now, each a count, the most pressing
first. Everything is counted in the database, in a fixed number of queries however much there
is; the request filters are the same the board applies when a count's link is followed."""

from __future__ import annotations

import enum
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, ScalarSelect, Select, SQLColumnExpression, and_, case, exists, func, or_, select
from sqlalchemy.orm import aliased

from ..extensions import Model, db
from ..models import (
    Language,
    Offer,
    Organisation,
    OrganisationStatus,
    OutboxMessage,
    OutboxStatus,
    Qualification,
    QualificationStatus,
    SupportRequest,
    User,
    VolunteerLanguage,
    VolunteerProfile,
)
from ..models.enums import OfferState, RequestState, VolunteerStatus
from .assignment_lists import AssignmentList, counted
from .expiry import endings
from .short_notice import had_short_notice_cancellation

#: A request still open this close to its appointment is due soon.
SOON = timedelta(days=2)
#: An offer unanswered this close to its expiry is about to expire.
OFFER_WARNING = timedelta(hours=12)
#: Trainings and police certificates running out within this many days.
RUNNING_OUT_DAYS = 30


class Task(enum.Enum):
    """One kind of work, in the order of urgency the overview shows them."""

    SHORT_NOTICE = "short_notice"  # a volunteer cancelled at short notice: to fill again, soon
    URGENT = "urgent"
    SOON = "soon"
    NO_SPEAKER = "no_speaker"
    OFFERS_EXPIRING = "offers_expiring"
    UNASKED = "unasked"
    OFFERS_WAITING = "offers_waiting"
    FAILED_MAIL = "failed_mail"
    DISPUTES = "disputes"
    MISSING_REPORTS = "missing_reports"
    ORGANISATIONS = "organisations"
    TRAININGS = "trainings"
    RUNNING_OUT = "running_out"
    APPLICANTS = "applicants"
    REFLECTION_TALKS = "reflection_talks"

    @property
    def pressing(self) -> bool:
        """Whether it cannot wait until tomorrow (shown as an alert)."""
        return self in {
            Task.SHORT_NOTICE,
            Task.URGENT,
            Task.SOON,
            Task.NO_SPEAKER,
            Task.OFFERS_EXPIRING,
            Task.FAILED_MAIL,
        }


#: The tasks the board can show as a filtered list of requests.
REQUEST_TASKS = (
    Task.SHORT_NOTICE,
    Task.URGENT,
    Task.SOON,
    Task.NO_SPEAKER,
    Task.OFFERS_EXPIRING,
    Task.UNASKED,
    Task.OFFERS_WAITING,
)
#: The tasks about assignments after the appointment, and the list each links to.
ASSIGNMENT_TASKS = {
    Task.DISPUTES: AssignmentList.DISPUTED,
    Task.MISSING_REPORTS: AssignmentList.MISSING,
    Task.REFLECTION_TALKS: AssignmentList.REFLECTION,
}


def _offered(now: datetime, within: timedelta | None = None) -> ColumnElement[bool]:
    """The request has an offer waiting for an answer (expiring within `within`, if given)."""
    conditions = [Offer.request_id == SupportRequest.id, Offer.state == OfferState.OFFERED, Offer.expires_at > now]
    if within is not None:
        conditions.append(Offer.expires_at <= now + within)
    return exists().where(*conditions)


def _speaker_of(code: SQLColumnExpression[str], outer: Any) -> ColumnElement[bool]:
    """An active volunteer speaks the language `code`, or a variety of it
    (matching.accepted_languages). Through the index on the spoken language: the language and
    its varieties as a list of codes (an OR over two columns, as before, no index serves, and
    the overview took a minute with 50,000 requests); the first active speaker answers it."""
    variety = aliased(Language)
    language_or_variety = (
        select(variety.code)
        .where(or_(variety.code == code, variety.parent_code == code))
        .correlate(outer)
        .scalar_subquery()
    )
    return exists(_active_speakers().where(VolunteerLanguage.language_code.in_(language_or_variety)).correlate(outer))


def _speaks_any(codes: list[str]) -> ColumnElement[bool]:
    return exists(_active_speakers().where(VolunteerLanguage.language_code.in_(codes)))


def _active_speakers() -> Select:
    """Languages spoken by active volunteers with active accounts (a language condition added)."""
    return (
        select(VolunteerLanguage.id)
        .join(VolunteerProfile, VolunteerLanguage.profile_id == VolunteerProfile.id)
        .join(User, VolunteerProfile.user_id == User.id)
        .where(VolunteerProfile.status == VolunteerStatus.ACTIVE, User.active.is_(True))
    )


def _someone_speaks() -> ColumnElement[bool]:
    """Someone can be asked for the request's language (the board's filter, per request)."""
    return _speaker_of(SupportRequest.language_code, SupportRequest)


def request_condition(task: Task, now: datetime) -> ColumnElement[bool]:
    """Which requests a task is about: all still to fill, with their appointment ahead."""
    still_open = and_(SupportRequest.state.in_(RequestState.to_fill()), SupportRequest.starts_at > now)
    specific = {
        Task.SHORT_NOTICE: had_short_notice_cancellation(),
        Task.URGENT: SupportRequest.urgent.is_(True),
        Task.SOON: SupportRequest.starts_at <= now + SOON,
        Task.NO_SPEAKER: ~_someone_speaks(),
        Task.OFFERS_EXPIRING: _offered(now, OFFER_WARNING),
        Task.UNASKED: ~_offered(now),
        Task.OFFERS_WAITING: _offered(now),
    }[task]
    return and_(still_open, specific)


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _request_counts(now: datetime) -> dict[Task, int]:
    still_open = and_(SupportRequest.state.in_(RequestState.to_fill()), SupportRequest.starts_at > now)
    tasks = (Task.SHORT_NOTICE, Task.URGENT, Task.SOON, Task.UNASKED)
    row = db.session.execute(
        select(*(_count_if(request_condition(task, now)) for task in tasks)).where(still_open)
    ).one()
    counts = {task: int(value) for task, value in zip(tasks, row, strict=True)}
    # Nobody to ask: asked once per language of the open requests, not once per request.
    # Counted here from the open requests' codes (read through the index on state and date):
    # grouped in SQL, SQLite walks the language index over every request ever made instead.
    per_language = Counter(db.session.scalars(select(SupportRequest.language_code).where(still_open)))
    varieties: dict[str, set[str]] = {code: {code} for code in per_language}
    for code, parent in db.session.execute(
        select(Language.code, Language.parent_code).where(Language.parent_code.in_(per_language))
    ):
        if parent is not None:  # always: the query asked for it
            varieties[parent].add(code)
    # One statement, one EXISTS per language with its codes spelt out, so that each is an index
    # lookup that stops at the first active speaker.
    spoken = set()
    if varieties:
        answers = db.session.execute(select(*(_speaks_any(sorted(codes)) for codes in varieties.values()))).one()
        spoken = {code for code, answer in zip(varieties, answers, strict=True) if answer}
    counts[Task.NO_SPEAKER] = sum(number for code, number in per_language.items() if code not in spoken)
    return counts


def _offer_counts(now: datetime) -> dict[Task, int]:
    waiting, expiring = db.session.execute(
        select(func.count(Offer.id), _count_if(Offer.expires_at <= now + OFFER_WARNING)).where(
            Offer.state == OfferState.OFFERED, Offer.expires_at > now
        )
    ).one()
    return {Task.OFFERS_WAITING: int(waiting), Task.OFFERS_EXPIRING: int(expiring)}


def _other_counts(now: datetime) -> dict[Task, int]:
    """The counts of one table each, all in one statement (each an index lookup)."""

    def rows(model: type[Model], *conditions: ColumnElement[bool]) -> ScalarSelect[int]:
        return select(func.count()).select_from(model).where(*conditions).scalar_subquery()

    row = db.session.execute(
        select(
            rows(OutboxMessage, OutboxMessage.status == OutboxStatus.FAILED),
            rows(Organisation, Organisation.status == OrganisationStatus.PENDING),
            rows(Qualification, Qualification.status == QualificationStatus.PENDING),
            rows(VolunteerProfile, VolunteerProfile.status == VolunteerStatus.APPLICANT),
            *(counted(which, now) for which in ASSIGNMENT_TASKS.values()),
        )
    ).one()
    tasks = (Task.FAILED_MAIL, Task.ORGANISATIONS, Task.TRAININGS, Task.APPLICANTS, *ASSIGNMENT_TASKS)
    return {task: int(value) for task, value in zip(tasks, row, strict=True)}


def _running_out(today: date) -> int:
    """Everything the list of what runs out (`expiry.endings`) shows for the next
    RUNNING_OUT_DAYS: the count links to that list, so both come from one function (refresher
    rules are applied in Python, in a fixed number of queries)."""
    return len(endings(today, RUNNING_OUT_DAYS))


def counts(now: datetime, today: date) -> dict[Task, int]:
    """How many of each task there are, in the order of Task."""
    found = {**_request_counts(now), **_offer_counts(now), **_other_counts(now), Task.RUNNING_OUT: _running_out(today)}
    return {task: found[task] for task in Task}


__all__ = [
    "ASSIGNMENT_TASKS",
    "OFFER_WARNING",
    "REQUEST_TASKS",
    "RUNNING_OUT_DAYS",
    "SOON",
    "Task",
    "counts",
    "request_condition",
]
