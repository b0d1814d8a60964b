"""Offers: a coordinator asks volunteers (one or a shortlist); they accept or decline through
the link in the mail, in the portal, or by phone (recorded by a coordinator).

No double booking, even under races. Accepting locks the request row, then the volunteer's
profile row (PostgreSQL: SELECT ... FOR UPDATE, always in this order; SQLite: every writing
transaction begins with BEGIN IMMEDIATE), then changes state only by conditional UPDATEs:
of two volunteers taking the last place, of one volunteer accepting two overlapping
requests, or of two coordinators acting at once, exactly one wins and the other gets a
clear message.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from types import ModuleType

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from ..clock import BERLIN
from ..db_types import utcnow
from ..db_writes import rows_changed
from ..extensions import db
from ..models import Offer, SupportRequest, TokenPurpose, User, VolunteerProfile
from ..models.enums import (
    Actor,
    Channel,
    HardRule,
    Notice,
    OfferState,
    RequestState,
    ResponseChannel,
    WithdrawalCause,
)
from . import ServiceError, funding, tokens, transitions
from .candidates import rank, rules_broken
from .short_notice import is_short_notice
from .transitions import SCHEDULED_JOB, By


def _notify() -> ModuleType:
    from ..notifications import requests as notify

    return notify


# ---------------------------------------------------------------------------------------------
# Offering


def make_offers(
    coordinator: User, request: SupportRequest, profile_ids: list[int], now: datetime | None = None
) -> list[Offer]:
    """Offers the request to each chosen volunteer. Only volunteers the matching ranks (every
    hard rule passed) can be chosen: the rules are never broken, even by a crafted form."""
    now = now or utcnow()
    if not coordinator.is_coordinator:
        raise ServiceError(_l("Only coordinators make offers."))
    lock_request(request)  # two coordinators offering at once: the second sees the first's offers
    if not request.state.takes_offers:
        raise ServiceError(_l("This request takes no more offers."))
    if not profile_ids:
        raise ServiceError(_l("Choose at least one volunteer."), field="profile_ids")
    funding.check_cap_for_offers(request)
    ranked = {r.candidate.profile_id for r in rank(request).result.ranked}
    refused = [pid for pid in profile_ids if pid not in ranked]
    if refused:
        raise ServiceError(
            _l("Some of the chosen volunteers cannot be asked any more (the list has changed). Please choose again."),
            field="profile_ids",
        )
    by = By(Actor.COORDINATOR, coordinator)
    hours = current_app.config["OFFER_RESPONSE_HOURS"]
    expires_at = min(now + timedelta(hours=hours), request.starts_at)
    made = []
    for profile_id in dict.fromkeys(profile_ids):
        offer = Offer(
            request=request,
            profile_id=profile_id,
            state=OfferState.OFFERED,
            offered_at=now,
            offered_by_id=coordinator.id,
            expires_at=expires_at,
            calendar_sequence=0,
        )
        db.session.add(offer)
        db.session.flush()
        transitions.created(offer, by)
        raw = tokens.issue(
            TokenPurpose.OFFER_RESPONSE, user=offer.profile.user, offer=offer, expires_at=expires_at, now=now
        )
        _notify().notify_offer(offer, raw)
        made.append(offer)
    return made


def offer_for_link(raw: str, now: datetime | None = None) -> Offer | None:
    """The offer behind a mail link, if the link is still good and the offer still waits for
    an answer (does not use the link up)."""
    now = now or utcnow()
    token = tokens.peek(TokenPurpose.OFFER_RESPONSE, raw, now)
    offer = token.offer if token is not None else None
    if offer is None or offer.state is not OfferState.OFFERED or offer.expires_at <= now:
        return None
    return offer


def answer_by_link(raw: str, accept: bool, now: datetime | None = None) -> Offer:
    """The volunteer answers through the link in the mail: no login; the link works once."""
    now = now or utcnow()
    used_up = ServiceError(_l("This link has expired or has already been used. Log in to see your offers."))
    token = tokens.peek(TokenPurpose.OFFER_RESPONSE, raw, now)
    if token is None or token.offer is None:
        raise used_up
    offer = token.offer
    # The locks come before the link is used up: the order of every other change to an offer
    # (the winner of a race revokes the others' links while it holds the request).
    _lock(offer.request, offer.profile_id)
    if tokens.redeem(TokenPurpose.OFFER_RESPONSE, raw, now) is None:
        if offer.state is not OfferState.OFFERED:
            transitions.check(offer, OfferState.ACCEPTED if accept else OfferState.DECLINED, Actor.VOLUNTEER)
        raise used_up
    # The link was sent to this volunteer alone: the answer is theirs, given by mail link.
    by = By(Actor.VOLUNTEER, offer.profile.user, Channel.MAIL_LINK)
    if accept:
        accept_offer(offer, by, now)
    else:
        decline(offer, by, now)
    return offer


def acting_for(actor: User, offer: Offer) -> By:
    """The volunteer in the portal, or a coordinator recording what the volunteer said by phone."""
    if offer.profile.user_id == actor.id:
        return By(Actor.VOLUNTEER, actor, Channel.PORTAL)
    if actor.is_coordinator:
        return By(Actor.COORDINATOR, actor, Channel.PHONE)
    raise ServiceError(_l("You may not do this."))


def answer_in_portal(actor: User, offer: Offer, accept: bool, now: datetime | None = None) -> None:
    by = acting_for(actor, offer)
    if accept:
        accept_offer(offer, by, now)
    else:
        decline(offer, by, now)


# ---------------------------------------------------------------------------------------------
# Accepting, declining


def lock_request(request: SupportRequest) -> None:
    """Takes the request's row lock and reads the request and its offers again, so that what
    someone else committed a moment ago is seen and nobody changes them until this commits.
    (PostgreSQL: SELECT ... FOR UPDATE; SQLite: writing transactions begin with BEGIN IMMEDIATE,
    so they are serialised anyway.)"""
    db.session.execute(
        select(SupportRequest)
        .where(SupportRequest.id == request.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()
    db.session.scalars(
        select(Offer).where(Offer.request_id == request.id).execution_options(populate_existing=True)
    ).all()
    db.session.expire(request, ["offers"])


def _lock(request: SupportRequest, profile_id: int) -> None:
    """Every change to an offer takes these locks first, always in this order: the request,
    then the volunteer (then the offer itself, by its UPDATE). A different order deadlocks
    on PostgreSQL (an offer row held while its request is wanted, and the other way round)."""
    lock_request(request)
    db.session.execute(select(VolunteerProfile.id).where(VolunteerProfile.id == profile_id).with_for_update())


#: Why an acceptance is refused when the volunteer no longer passes a hard rule.
REFUSALS = {
    HardRule.LANGUAGE: _l("This offer can no longer be accepted: the language is no longer in the profile."),
    HardRule.ACTIVE: _l(
        "This offer can no longer be accepted: the profile or the account is not active at the moment."
    ),
    HardRule.QUALIFIED: _l(
        "This offer can no longer be accepted: on that day the qualification, a declaration or the police "
        "certificate does not count."
    ),
    HardRule.AVAILABLE: _l(
        "This offer can no longer be accepted: the weekly availability or an absence does not cover that time."
    ),
    HardRule.FREE: _l("There is another assignment at that time (or too close to it). This offer was not accepted."),
    HardRule.MONTHLY_MAXIMUM: _l("This would exceed the assignments a month the volunteer agreed to."),
    HardRule.GENDER: _l("This offer can no longer be accepted. Please contact the centre."),
    HardRule.NOT_EXCLUDED: _l("This offer can no longer be accepted. Please contact the centre."),
    HardRule.DISTANCE: _l("This offer can no longer be accepted: the place is further away than the profile allows."),
}


ANSWERED_ALREADY = _l("This offer has been answered already. The page shows the current state.")


def accept_offer(offer: Offer, by: By, now: datetime | None = None) -> None:
    now = now or utcnow()
    request = offer.request
    _lock(request, offer.profile_id)
    transitions.check(offer, OfferState.ACCEPTED, by.role)
    if offer.expires_at <= now:
        raise ServiceError(_l("This offer has expired."))
    # Every hard rule again, under the locks: the volunteer's profile, other assignments or
    # exclusions may have changed since the offer was made.
    broken = rules_broken(request, offer.profile_id)
    if broken:
        raise ServiceError(REFUSALS[broken[0]])
    funding.check_acceptance(offer, by)
    taken = rows_changed(
        update(SupportRequest)
        .where(
            SupportRequest.id == request.id,
            SupportRequest.state.in_(RequestState.to_fill()),
            SupportRequest.places_filled < SupportRequest.places_needed,
        )
        .values(places_filled=SupportRequest.places_filled + 1, version=SupportRequest.version + 1)
        .execution_options(synchronize_session=False)
    )
    if taken != 1:
        db.session.refresh(request)
        raise ServiceError(_l("All places of this request are taken already. Thank you all the same!"))
    db.session.refresh(request)
    transitions.move(
        offer,
        OfferState.ACCEPTED,
        by,
        conflict=ANSWERED_ALREADY,
        responded_at=now,
        response_channel=ResponseChannel(by.channel.value),
    )
    tokens.revoke_offer_links(offer, now)  # answered in the portal or by phone: the mail link is spent
    _notify().notify_assignment_confirmed(offer)
    settle_request_state(by.following(), request)


def decline(offer: Offer, by: By, now: datetime | None = None) -> None:
    now = now or utcnow()
    _lock(offer.request, offer.profile_id)
    transitions.check(offer, OfferState.DECLINED, by.role)
    if offer.expires_at <= now:
        raise ServiceError(_l("This offer has expired."))
    transitions.move(
        offer,
        OfferState.DECLINED,
        by,
        conflict=ANSWERED_ALREADY,
        responded_at=now,
        response_channel=ResponseChannel(by.channel.value),
    )
    tokens.revoke_offer_links(offer, now)


def settle_request_state(by: By, request: SupportRequest) -> None:
    """The request's state follows its places; when filled, the others asked are told. `by`
    is the system, following someone's move."""
    if not request.state.is_live:
        return
    if request.places_filled >= request.places_needed:
        target = RequestState.FILLED
    elif request.places_filled > 0:
        target = RequestState.PARTLY_FILLED
    else:
        target = RequestState.OPEN
    if target is not request.state:
        transitions.move(request, target, by)
    if target is RequestState.FILLED:
        for other in request.offers:
            if other.state is OfferState.OFFERED:
                withdraw(other, by, because=WithdrawalCause.FILLED)


# ---------------------------------------------------------------------------------------------
# Withdrawing, cancelling


def withdraw(offer: Offer, by: By, because: WithdrawalCause, reason: str | None = None) -> None:
    """The caller holds the request's lock (`lock_request`) and settles the request's state
    afterwards."""
    was_accepted = offer.state is OfferState.ACCEPTED
    transitions.move(offer, OfferState.WITHDRAWN, by, note=because, reason=reason)
    tokens.revoke_offer_links(offer)
    if was_accepted:
        offer.calendar_sequence += 1
        offer.request.places_filled = max(offer.request.places_filled - 1, 0)
    _notify().notify_offer_withdrawn(offer, because, was_accepted)
    if was_accepted and because in (WithdrawalCause.COORDINATOR, WithdrawalCause.CHANGED):
        _notify().notify_volunteer_no_longer_comes(offer)


def withdraw_by_coordinator(coordinator: User, offer: Offer, reason: str | None = None) -> None:
    if not coordinator.is_coordinator:
        raise ServiceError(_l("Only coordinators withdraw offers."))
    if offer.request.starts_at <= utcnow():
        raise ServiceError(_l("The appointment has begun: what happened goes into its report, not a withdrawal."))
    by = By(Actor.COORDINATOR, coordinator)
    _lock(offer.request, offer.profile_id)
    withdraw(offer, by, because=WithdrawalCause.COORDINATOR, reason=reason)
    settle_request_state(by.following(), offer.request)


def withdraw_open_offers(profile: VolunteerProfile, actor: User) -> int:
    """The volunteer is paused, retired or deactivated: offers still waiting for an answer are
    withdrawn, so coordinators see at once that they must ask someone else. (Confirmed
    assignments stay: the volunteer or a coordinator cancels them knowingly.)"""
    waiting = db.session.scalars(
        select(Offer).where(Offer.profile_id == profile.id, Offer.state == OfferState.OFFERED)
    ).all()
    by = By(Actor.SYSTEM, actor).following()
    for offer in waiting:
        _lock(offer.request, profile.id)
        if offer.state is OfferState.OFFERED:
            withdraw(offer, by, because=WithdrawalCause.UNAVAILABLE)
    return len(waiting)


def open_counts(profile: VolunteerProfile) -> tuple[int, int]:
    """How many offers wait for this volunteer's answer, and how many assignments ahead are
    confirmed (what pausing or deactivating would touch)."""
    from sqlalchemy import func

    rows = dict(
        db.session.execute(
            select(Offer.state, func.count(Offer.id))
            .join(SupportRequest, Offer.request_id == SupportRequest.id)
            .where(
                Offer.profile_id == profile.id,
                Offer.state.in_(OfferState.live()),
                SupportRequest.starts_at > utcnow(),
            )
            .group_by(Offer.state)
        ).all()
    )
    return rows.get(OfferState.OFFERED, 0), rows.get(OfferState.ACCEPTED, 0)


def cancel_by_volunteer(actor: User, offer: Offer, reason: str | None, now: datetime | None = None) -> None:
    """The volunteer cannot come (illness), in the portal or by phone to a coordinator: the
    place opens again, coordinators and the organisation are told, and the next candidates are
    shown on the request page. The reason is required and for the centre only. Less than
    SHORT_NOTICE_HOURS before the appointment it is a cancellation at short notice: the
    history says so, the coordinators' mail is marked, and the board and the request page put
    the request and its candidates first."""
    now = now or utcnow()
    by = acting_for(actor, offer)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_l("Say why the assignment is cancelled: only the centre reads it."), field="reason")
    request = offer.request
    _lock(request, offer.profile_id)
    transitions.check(offer, OfferState.CANCELLED_BY_VOLUNTEER, by.role)
    if request.starts_at <= now:
        raise ServiceError(_l("The appointment has begun already; please call the centre."))
    short = is_short_notice(request, now)
    transitions.move(
        offer,
        OfferState.CANCELLED_BY_VOLUNTEER,
        by,
        note=Notice.SHORT if short else None,
        reason=reason,
        conflict=_l("This assignment has changed in the meantime. The page shows the current state."),
        calendar_sequence=Offer.calendar_sequence + 1,
    )
    db.session.execute(
        update(SupportRequest)
        .where(SupportRequest.id == request.id, SupportRequest.places_filled > 0)
        .values(places_filled=SupportRequest.places_filled - 1, version=SupportRequest.version + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(request)
    settle_request_state(by.following(), request)
    _notify().notify_volunteer_cancelled(offer, short_notice=short)


def after_request_changed(actor: User, request: SupportRequest) -> None:
    """What, when or where changed: offers not yet answered are withdrawn (the volunteer was
    asked for something else). A confirmed volunteer who still passes every hard rule gets the
    new calendar entry; one who no longer does (another assignment at the new time, a
    certificate the change now needs ...) is released, and the place opens again."""
    by = By(Actor.COORDINATOR if actor.is_coordinator else Actor.ORGANISATION, actor)
    for offer in list(request.offers):
        if offer.state is OfferState.OFFERED:
            withdraw(offer, by, because=WithdrawalCause.CHANGED)
        elif offer.state is OfferState.ACCEPTED:
            if rules_broken(request, offer.profile_id):
                withdraw(offer, by, because=WithdrawalCause.CHANGED)
            else:
                offer.calendar_sequence += 1
                _notify().notify_assignment_changed(offer)


# ---------------------------------------------------------------------------------------------
# What `flask tick` does


def expire_offers(now: datetime) -> int:
    """Offers nobody answered in time; returns how many expired (one answered while the job
    waited for its lock keeps its answer)."""
    due = db.session.scalars(select(Offer).where(Offer.state == OfferState.OFFERED, Offer.expires_at <= now)).all()
    expired = 0
    for offer in due:
        _lock(offer.request, offer.profile_id)
        if offer.state.awaits_answer:
            transitions.move(offer, OfferState.EXPIRED, SCHEDULED_JOB)
            expired += 1
    return expired


def _start_of(day: date) -> datetime:
    """Midnight in Kassel, as UTC (a day is 23 or 25 hours long when the clocks change)."""
    from datetime import UTC

    return datetime.combine(day, datetime.min.time(), BERLIN).astimezone(UTC)


def mark_unmatched(now: datetime) -> int:
    """Requests whose appointment has come with places still free. (Not earlier: an urgent
    request for the same afternoon can still be filled in the morning.)"""
    due = db.session.scalars(
        select(SupportRequest).where(
            SupportRequest.state.in_(RequestState.to_fill()),
            SupportRequest.starts_at <= now,
        )
    ).all()
    marked = 0
    for request in due:
        lock_request(request)
        if not request.state.takes_offers:
            continue  # filled or cancelled a moment ago
        marked += 1
        transitions.move(request, RequestState.UNMATCHED, SCHEDULED_JOB)
        for offer in request.offers:
            if offer.state is OfferState.OFFERED:
                transitions.move(offer, OfferState.EXPIRED, SCHEDULED_JOB)
                tokens.revoke_offer_links(offer)
        _notify().notify_request_unmatched(request)
    return marked


def remind_day_before(today: date) -> int:
    """Confirmed volunteers hear the day before (once)."""
    start, end = _start_of(today + timedelta(days=1)), _start_of(today + timedelta(days=2))
    rows = db.session.scalars(
        select(Offer)
        .join(SupportRequest, Offer.request_id == SupportRequest.id)
        .where(
            Offer.state == OfferState.ACCEPTED,
            SupportRequest.starts_at >= start,
            SupportRequest.starts_at < end,
        )
    ).all()
    return sum(_notify().notify_assignment_reminder(offer) for offer in rows)
