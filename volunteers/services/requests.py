"""Support requests: submitted by an approved organisation's users (or by a coordinator on
their behalf), edited until someone is assigned, cancelled."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import Select, func, select

from ..clock import BERLIN
from ..db_types import utcnow
from ..extensions import db
from ..formatting import format_date
from ..models import Organisation, Place, SupportRequest, User
from ..models.enums import (
    Actor,
    Area,
    Channel,
    GenderPreference,
    Mode,
    RequestState,
    TopicCategory,
    WithdrawalCause,
    WorkKind,
)
from ..permissions import can_submit_requests, membership
from . import ServiceError, ServiceErrors, languages, transitions
from .submissions import AlreadySubmitted
from .workdays import earliest_appointment

CLIENT_REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,39}$")
#: How far ahead a request may be made (a typo like 2062 is caught, and dates stay computable).
DAYS_AHEAD_AT_MOST = 730

#: What, when and where: a change to any of these withdraws offers already sent.
MATCHING_FIELDS = (
    "area",
    "kind",
    "language_code",
    "mode",
    "starts_at",
    "duration_minutes",
    "alternative_starts_at",
    "place_id",
    "meeting_point",
    "gender_preference",
    "minors_involved",
)


@dataclass
class RequestInput:
    area: Area
    kind: WorkKind
    places_needed: int
    language_code: str
    topic: TopicCategory
    mode: Mode
    day: date
    start: time
    duration_minutes: int
    alternative_day: date | None
    alternative_start: time | None
    place_id: int | None
    meeting_point: str | None
    contact_on_site: str | None
    gender_preference: GenderPreference
    minors_involved: bool
    urgent: bool
    urgent_reason: str | None
    client_reference: str
    consent_confirmed: bool
    not_excluded_confirmed: bool


def local_moment(day: date, at: time) -> datetime:
    """A wall-clock time in Kassel, as UTC."""
    from datetime import UTC

    return datetime.combine(day, at, tzinfo=BERLIN).astimezone(UTC)


def can_view(user: User, request: SupportRequest) -> bool:
    return user.is_coordinator or membership(user, request.organisation) is not None


def _validate(data: RequestInput, today: date, now: datetime, current_language: str | None = None) -> dict:
    """Checks what needs more than the form's shape, every field at once (one message per
    field); returns the columns to store."""
    problems: list[ServiceError] = []

    def refused(field: str) -> bool:
        return any(problem.field == field for problem in problems)

    def refuse(message: str, field: str) -> None:
        if not refused(field):
            problems.append(ServiceError(message, field=field))

    if not data.consent_confirmed:
        refuse(_l("Confirm that the person agrees to a volunteer being present."), "consent_confirmed")
    if not data.not_excluded_confirmed:
        refuse(
            _l("Volunteers cannot support these settings; please confirm it is none of them."),
            "not_excluded_confirmed",
        )
    reference = data.client_reference.strip()
    if not CLIENT_REFERENCE.match(reference):
        refuse(
            _l("Use letters, digits and - _ . / only, for example K-2026-017: never the person's name."),
            "client_reference",
        )
    if data.urgent and not (data.urgent_reason or "").strip():
        refuse(_l("Say why it is urgent."), "urgent_reason")
    if not languages.is_offered(data.language_code, {current_language} if current_language else set()):
        refuse(_l("Choose a language from the list."), "language_code")
    place = db.session.get(Place, data.place_id) if data.place_id else None
    if data.mode is Mode.ON_SITE and place is None:
        refuse(_l("Choose the place of the appointment."), "place_id")
    latest = today + timedelta(days=DAYS_AHEAD_AT_MOST)
    in_the_past = {
        "day": _l("The appointment must be in the future."),
        "alternative_day": _l("The alternative date must be in the future."),
    }
    for name, day in (("day", data.day), ("alternative_day", data.alternative_day)):
        if day is not None and day < today:
            refuse(in_the_past[name], name)
        if day is not None and day > latest:
            refuse(_l("Requests can be made up to %(date)s.", date=format_date(latest, "long")), name)
    lead = current_app.config["LEAD_TIME_WORKING_DAYS"]
    earliest = earliest_appointment(today, lead)
    # A day refused already may be out of any moment's range (year 1 or 9999): not read further.
    starts_at = None if refused("day") else local_moment(data.day, data.start)
    if starts_at is not None and starts_at <= now:
        refuse(_l("The appointment must be in the future."), "day")
    if starts_at is not None and not data.urgent and data.day < earliest:
        refuse(
            _l(
                "Requests need %(days)d working days; the earliest day is %(date)s. If it cannot wait, mark it "
                "as urgent and say why.",
                days=lead,
                date=format_date(earliest, "long"),
            ),
            "day",
        )
    alternative = None
    if (data.alternative_day is None) != (data.alternative_start is None):
        refuse(_l("Give both the day and the time of the alternative, or neither."), "alternative_day")
    elif data.alternative_day is not None and data.alternative_start is not None and not refused("alternative_day"):
        alternative = local_moment(data.alternative_day, data.alternative_start)
        if alternative <= now or (not data.urgent and data.alternative_day < earliest):
            refuse(_l("The alternative needs the same notice as the appointment."), "alternative_day")
        if alternative == starts_at:
            refuse(_l("The alternative should differ from the appointment."), "alternative_day")
    if problems:
        raise ServiceErrors(problems) if len(problems) > 1 else problems[0]
    return {
        "area": data.area,
        "kind": data.kind,
        "places_needed": data.places_needed,
        "language_code": data.language_code,
        "topic": data.topic,
        "mode": data.mode,
        "starts_at": starts_at,
        "duration_minutes": data.duration_minutes,
        "alternative_starts_at": alternative,
        "place_id": place.id if place else None,
        "meeting_point": (data.meeting_point or "").strip() or None,
        "contact_on_site": (data.contact_on_site or "").strip() or None,
        "gender_preference": data.gender_preference,
        "minors_involved": data.minors_involved,
        "urgent": data.urgent,
        "urgent_reason": (data.urgent_reason or "").strip() or None if data.urgent else None,
        "client_reference": reference,
        "consent_confirmed": True,
        "not_excluded_confirmed": True,
    }


def submit(
    actor: User, organisation: Organisation, data: RequestInput, today: date, now: datetime | None = None
) -> SupportRequest:
    from ..notifications.requests import notify_new_request

    now = now or utcnow()
    by_centre = actor.is_coordinator and membership(actor, organisation) is None
    if not (by_centre and organisation.is_approved) and not can_submit_requests(actor, organisation):
        raise ServiceError(_l("Only members of an approved organisation submit requests."))
    values = _validate(data, today, now)
    _refuse_the_same_again(organisation, values)
    request = SupportRequest(
        organisation=organisation,
        created_by_id=actor.id,
        entered_by_centre=by_centre,
        state=RequestState.OPEN,
        created_at=now,
        places_filled=0,
        **values,
    )
    db.session.add(request)
    db.session.flush()
    # Entered by the centre: the organisation asked by phone.
    by = (
        transitions.By(Actor.COORDINATOR, actor, Channel.PHONE)
        if by_centre
        else transitions.By(Actor.ORGANISATION, actor)
    )
    transitions.created(request, by, note="entered by the centre" if by_centre else None)
    notify_new_request(request, entered_by=actor if by_centre else None)
    return request


def _refuse_the_same_again(organisation: Organisation, values: dict) -> None:
    """The same request (client, time, language, kind) sent again, from a second tab: the
    first stays, nothing is added. The organisation's row lock makes two at once take turns."""
    db.session.execute(select(Organisation.id).where(Organisation.id == organisation.id).with_for_update())
    existing = db.session.scalar(
        select(SupportRequest.id)
        .where(
            SupportRequest.organisation_id == organisation.id,
            func.lower(SupportRequest.client_reference) == values["client_reference"].lower(),
            SupportRequest.starts_at == values["starts_at"],
            SupportRequest.language_code == values["language_code"],
            SupportRequest.kind == values["kind"],
            SupportRequest.state != RequestState.CANCELLED,
        )
        .limit(1)
    )
    if existing is not None:
        raise AlreadySubmitted(
            existing,
            _l(
                "The same request (client %(reference)s, the same time) had been submitted already, so nothing "
                "was saved twice. Here it is.",
                reference=values["client_reference"],
            ),
        )


def may_cancel(user: User, request: SupportRequest, now: datetime | None = None) -> bool:
    """Whether the page offers "cancel": a live request whose appointment has not begun."""
    return can_view(user, request) and request.state.is_live and request.starts_at > (now or utcnow())


def may_edit(user: User, request: SupportRequest) -> bool:
    """Organisations edit until someone is assigned; coordinators while it is not over."""
    if not can_view(user, request):
        return False
    if user.is_coordinator:
        return request.state.is_live
    return (
        request.state is RequestState.OPEN
        and request.places_filled == 0
        and can_submit_requests(user, request.organisation)
    )


def edit(
    actor: User,
    request: SupportRequest,
    data: RequestInput,
    expected_version: int | None,
    today: date,
    now: datetime | None = None,
) -> list[str]:
    """Applies a change; offers already sent are withdrawn if what, when or where changed, and
    assigned volunteers get the updated calendar entry. Returns the changed field names."""
    from . import offers

    now = now or utcnow()
    offers.lock_request(request)  # decide on the current state, not on what the page showed
    if not may_edit(actor, request):
        raise ServiceError(_l("This request can no longer be changed here. Please call the centre."))
    if expected_version is not None and expected_version != request.version:
        raise ServiceError(
            _l(
                "The request was changed in the meantime. Check your entries against the current request "
                "and save again."
            ),
            field="version",
        )
    values = _validate(data, today, now, current_language=request.language_code)
    if values["places_needed"] < request.places_filled:
        raise ServiceError(
            ngettext(
                "%(num)d volunteer is already confirmed; ask for at least one.",
                "%(num)d volunteers are already confirmed; ask for at least that many.",
                request.places_filled,
            ),
            field="places_needed",
        )
    changed = [name for name, value in values.items() if getattr(request, name) != value]
    for name in changed:
        setattr(request, name, values[name])
    if not changed:
        return changed
    request.updated_at = now
    by = _by(actor)
    transitions.history(request, by, request.state, request.state, changed=changed)
    if set(changed) & set(MATCHING_FIELDS):
        offers.after_request_changed(actor, request)
    offers.settle_request_state(by.following(), request)
    return changed


def cancel(actor: User, request: SupportRequest, reason: str | None) -> None:
    """Cancels the request: offers are withdrawn and confirmed volunteers told at once; when
    the centre cancels, the organisation is told too."""
    from ..notifications.requests import notify_request_cancelled_by_centre
    from . import offers

    if not can_view(actor, request):
        raise ServiceError(_l("You may not do this."))
    offers.lock_request(request)  # an acceptance a moment ago is seen, and withdrawn as such
    if request.starts_at <= utcnow():
        raise ServiceError(_l("The appointment has begun or is over, so the request can no longer be cancelled."))
    by = _by(actor)
    request.cancel_reason = (reason or "").strip() or None
    transitions.move(request, RequestState.CANCELLED, by, reason=request.cancel_reason)
    for offer in list(request.offers):
        if offer.state.is_live:
            offers.withdraw(offer, by, because=WithdrawalCause.CANCELLED)
    if by.role is Actor.COORDINATOR and membership(actor, request.organisation) is None:
        notify_request_cancelled_by_centre(request)


def _by(actor: User) -> transitions.By:
    return transitions.By(Actor.COORDINATOR if actor.is_coordinator else Actor.ORGANISATION, actor)


def visible_to(user: User) -> Select[SupportRequest]:
    """A query of the requests this user may see (coordinators: all)."""
    query = select(SupportRequest)
    if not user.is_coordinator:
        organisation_ids = [m.organisation_id for m in user.memberships]
        query = query.where(SupportRequest.organisation_id.in_(organisation_ids))
    return query


def starts_within(request: SupportRequest, days: int, now: datetime) -> bool:
    return request.starts_at - now <= timedelta(days=days)


__all__ = [
    "MATCHING_FIELDS",
    "RequestInput",
    "can_view",
    "cancel",
    "edit",
    "local_moment",
    "may_edit",
    "starts_within",
    "submit",
    "visible_to",
]
