"""The states of requests, offers and assignments: who may move them from where to where, and
which mails follow. Every move goes through `move()`, which checks these tables and writes the
append-only history (request_events) that reports read."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql.expression import ClauseElement

from ..db_types import utcnow
from ..db_writes import rows_changed
from ..extensions import db
from ..labels import label
from ..models import Assignment, Offer, RequestEvent, SupportRequest, User
from ..models.enums import Actor, AssignmentState, Channel, EventSubject, OfferAction, OfferState, RequestState
from . import ServiceError


@dataclass(frozen=True)
class By:
    """Who makes a move, in which role, and how. The history records all three."""

    role: Actor
    user: User | None = None
    channel: Channel = Channel.PORTAL

    def following(self) -> By:
        """A move the system makes because of this one (the last place taken withdraws the
        other offers); it remembers whose move caused it."""
        return By(Actor.SYSTEM, self.user, Channel.AUTOMATIC)


#: `flask tick`: offers that expire, requests whose date came.
SCHEDULED_JOB = By(Actor.SYSTEM, None, Channel.SCHEDULED_JOB)


State = RequestState | OfferState | AssignmentState
Record = SupportRequest | Offer | Assignment


@dataclass(frozen=True)
class Transition:
    source: State | None
    target: State
    who: frozenset[Actor]
    mails: str


def _t(source: State | None, target: State, who: set[Actor], mails: str) -> Transition:
    return Transition(source, target, frozenset(who), mails)


REQUEST_TRANSITIONS = (
    _t(None, RequestState.OPEN, {Actor.ORGANISATION, Actor.COORDINATOR}, "coordinators: a new request"),
    _t(RequestState.OPEN, RequestState.PARTLY_FILLED, {Actor.SYSTEM}, "organisation: a volunteer confirmed"),
    _t(
        RequestState.OPEN,
        RequestState.FILLED,
        {Actor.SYSTEM},
        "organisation: a volunteer confirmed; others asked: it is filled",
    ),
    _t(
        RequestState.PARTLY_FILLED,
        RequestState.FILLED,
        {Actor.SYSTEM},
        "organisation: a volunteer confirmed; others asked: it is filled",
    ),
    _t(
        RequestState.PARTLY_FILLED,
        RequestState.OPEN,
        {Actor.SYSTEM},
        "a volunteer cancelled: coordinators and organisation",
    ),
    _t(
        RequestState.FILLED,
        RequestState.PARTLY_FILLED,
        {Actor.SYSTEM},
        "a volunteer cancelled: coordinators and organisation",
    ),
    _t(RequestState.FILLED, RequestState.OPEN, {Actor.SYSTEM}, "a volunteer cancelled: coordinators and organisation"),
    _t(
        RequestState.OPEN,
        RequestState.CANCELLED,
        {Actor.ORGANISATION, Actor.COORDINATOR},
        "volunteers asked or confirmed",
    ),
    _t(
        RequestState.PARTLY_FILLED,
        RequestState.CANCELLED,
        {Actor.ORGANISATION, Actor.COORDINATOR},
        "volunteers asked or confirmed",
    ),
    _t(
        RequestState.FILLED,
        RequestState.CANCELLED,
        {Actor.ORGANISATION, Actor.COORDINATOR},
        "volunteers asked or confirmed",
    ),
    # The scheduled job when its date came with places free; a coordinator before that, telling
    # the organisation that nobody was found (services/nobody_found.py). Confirmed volunteers
    # of a partly filled request keep their place.
    _t(
        RequestState.OPEN,
        RequestState.UNMATCHED,
        {Actor.SYSTEM, Actor.COORDINATOR},
        "the job: coordinators and organisation; a coordinator: the organisation, and volunteers still asked",
    ),
    _t(
        RequestState.PARTLY_FILLED,
        RequestState.UNMATCHED,
        {Actor.SYSTEM, Actor.COORDINATOR},
        "the job: coordinators and organisation; a coordinator: the organisation, and volunteers still asked",
    ),
)

OFFER_TRANSITIONS = (
    _t(None, OfferState.OFFERED, {Actor.COORDINATOR}, "volunteer: the offer, with a link to answer"),
    _t(
        OfferState.OFFERED,
        OfferState.ACCEPTED,
        {Actor.VOLUNTEER, Actor.COORDINATOR},
        "volunteer: confirmation with a calendar entry; organisation",
    ),
    _t(OfferState.OFFERED, OfferState.DECLINED, {Actor.VOLUNTEER, Actor.COORDINATOR}, "none (the board shows it)"),
    _t(OfferState.OFFERED, OfferState.EXPIRED, {Actor.SYSTEM}, "none (the board shows it)"),
    _t(
        OfferState.OFFERED,
        OfferState.WITHDRAWN,
        {Actor.COORDINATOR, Actor.ORGANISATION, Actor.SYSTEM},
        "volunteer: the offer is withdrawn, and why",
    ),
    _t(
        OfferState.ACCEPTED,
        OfferState.CANCELLED_BY_VOLUNTEER,
        {Actor.VOLUNTEER, Actor.COORDINATOR},
        "coordinators and organisation; volunteer: the calendar entry cancelled",
    ),
    _t(
        OfferState.ACCEPTED,
        OfferState.WITHDRAWN,
        {Actor.ORGANISATION, Actor.COORDINATOR},
        "volunteer: cancelled, calendar entry cancelled",
    ),
)

#: After the appointment (services/assignments.py). Coordinators may also correct the figures
#: of any assignment not yet settled, with a reason: an edit, not a move.
ASSIGNMENT_TRANSITIONS = (
    _t(None, AssignmentState.AWAITING_REPORT, {Actor.SYSTEM}, "none (the volunteer is reminded the day after)"),
    _t(
        AssignmentState.AWAITING_REPORT,
        AssignmentState.REPORTED,
        {Actor.VOLUNTEER, Actor.COORDINATOR},
        "organisation: please confirm, with a link",
    ),
    _t(AssignmentState.REPORTED, AssignmentState.CONFIRMED, {Actor.ORGANISATION, Actor.COORDINATOR}, "none"),
    _t(
        AssignmentState.REPORTED,
        AssignmentState.CONFIRMED,
        {Actor.SYSTEM},
        "none (no answer within the days set: counts as confirmed)",
    ),
    _t(AssignmentState.REPORTED, AssignmentState.DISPUTED, {Actor.ORGANISATION}, "coordinators: a dispute to resolve"),
    _t(AssignmentState.DISPUTED, AssignmentState.CONFIRMED, {Actor.COORDINATOR}, "organisation: how it was resolved"),
    _t(AssignmentState.CONFIRMED, AssignmentState.SETTLED, {Actor.COORDINATOR}, "none (the month is closed)"),
)

_TABLES: dict[type, tuple[Transition, ...]] = {
    SupportRequest: REQUEST_TRANSITIONS,
    Offer: OFFER_TRANSITIONS,
    Assignment: ASSIGNMENT_TRANSITIONS,
}


def find(kind: type[Record], source: State | None, target: State) -> Transition | None:
    return next((t for t in _TABLES[kind] if t.source is source and t.target is target), None)


def check(record: Record, target: State, role: Actor) -> None:
    """Refuses a move the table does not allow, with a clear message (never a 500)."""
    transitions = [t for t in _TABLES[type(record)] if t.source is record.state and t.target is target]
    if not transitions:
        raise ServiceError(_stale(record))
    if not any(role in transition.who for transition in transitions):
        raise ServiceError(_l("You may not do this."))


def _stale(record: Record) -> str:
    return _l(
        "This is no longer possible: it is now “%(state)s”. The page shows the current state.",
        state=label(record.state),
    )


def created(record: Record, by: By, note: str | None = None) -> None:
    """A new request, offer or assignment: checks the table (who may create it) and starts its
    history."""
    transition = find(type(record), None, record.state)
    if transition is None or by.role not in transition.who:
        raise ServiceError(_l("You may not do this."))
    if isinstance(record, Assignment):
        history(record.request, by, None, record.state, offer=record.offer, note=note, assignment=True)
    elif isinstance(record, Offer):
        history(record.request, by, None, record.state, offer=record, note=note)
    else:
        history(record, by, None, record.state, note=note)


def history(
    request: SupportRequest,
    by: By,
    source: State | None,
    target: State,
    offer: Offer | None = None,
    note: str | None = None,
    reason: str | None = None,
    changed: list[str] | None = None,
    assignment: bool = False,
) -> None:
    """Appends one entry to the request's history: a move (`source` -> `target`), a creation
    (`source` None), or an edit (`changed`: the fields it changed; the state stays). With
    `assignment`, the entry is about the assignment `offer` became after the appointment."""
    if assignment:
        subject = EventSubject.ASSIGNMENT
    else:
        subject = EventSubject.OFFER if offer is not None else EventSubject.REQUEST
    user = by.user if by.user is not None and by.user.is_authenticated else None
    db.session.add(
        RequestEvent(
            request_id=request.id,
            offer_id=offer.id if offer is not None else None,
            at=utcnow(),
            actor_id=user.id if user is not None else None,
            actor_role=by.role,
            channel=by.channel,
            subject=subject,
            from_state=source.value if source is not None else None,
            to_state=target.value,
            note=note,
            changed_fields=list(changed) if changed else None,
            reason=(reason or "").strip() or None,
        )
    )


def move(
    record: Record,
    target: State,
    by: By,
    note: str | None = None,
    reason: str | None = None,
    conflict: str | None = None,
    **values: object,
) -> None:
    """The only door into a state: checks the table, then moves the row with a conditional
    UPDATE (`... WHERE state = <the state it was read in>`), so that of two people acting at
    once only one moves it; the other gets `conflict` (by default the table's own message),
    and nothing changes. Writes the history. `values` are columns that change with the state
    (`responded_at`, `calendar_sequence=Offer.calendar_sequence + 1`, ...)."""
    check(record, target, by.role)
    source = record.state
    model = type(record)
    db.session.flush()  # the record's other pending changes first: the UPDATE below is the move
    changes = {"state": target, **values}
    if isinstance(record, SupportRequest | Assignment):
        changes["version"] = record.version + 1  # every change raises it: an older edit is refused
    moved = rows_changed(
        update(model)
        .where(model.id == record.id, model.state == source)
        .values(**changes)
        .execution_options(synchronize_session=False)
    )
    if moved != 1:
        db.session.refresh(record)
        raise ServiceError(conflict or _stale(record))
    computed = [name for name, value in changes.items() if isinstance(value, ClauseElement)]
    for name, value in changes.items():
        if name not in computed:
            set_committed_value(record, name, value)
    if computed:
        db.session.refresh(record, computed)
    if isinstance(record, Assignment):
        history(record.request, by, source, target, offer=record.offer, note=note, reason=reason, assignment=True)
    elif isinstance(record, Offer):
        history(record.request, by, source, target, offer=record, note=note, reason=reason)
    else:
        history(record, by, source, target, note=note, reason=reason)


def offer_actions(offer: Offer, role: Actor = Actor.COORDINATOR) -> list[OfferAction]:
    """What the table lets `role` do with the offer as it is now: the actions the coordinators'
    request page shows, and the only ones its routes accept. None once the appointment has begun:
    what happened is then the assignment's to say (services/assignments.py)."""
    if offer.request.starts_at <= utcnow():
        return []
    return [
        action
        for action in OfferAction
        if (transition := find(Offer, offer.state, action.target)) is not None and role in transition.who
    ]
