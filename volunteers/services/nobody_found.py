"""Telling the organisation before the appointment that nobody was found: a coordinator closes a
request that is open or partly filled as `unmatched` at once, rather than when its appointment
begins (`offers.mark_unmatched`, the scheduled job), so the organisation can still look for
help elsewhere. Offers waiting for an answer are withdrawn (each volunteer asked is told);
volunteers already confirmed for a partly filled request keep their place and still come: the
appointment takes place with fewer helpers, which the organisation's mail says. The optional
message to the organisation is kept as the history entry's reason and shown on its request page."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..db_types import utcnow
from ..extensions import db
from ..models import RequestEvent, SupportRequest, User
from ..models.enums import Actor, EventSubject, OfferState, RequestState, WithdrawalCause
from ..notifications.requests import notify_nobody_found
from . import ServiceError, offers, transitions
from .transitions import By

#: The longest message to the organisation (it goes into a mail).
MESSAGE_MAX_LENGTH = 1000


def may_report_nobody_found(user: User, request: SupportRequest, now: datetime | None = None) -> bool:
    """Whether the coordinators' request page offers it: places free, the appointment ahead."""
    return user.is_coordinator and request.state.takes_offers and request.starts_at > (now or utcnow())


def report_nobody_found(
    coordinator: User, request: SupportRequest, message: str | None, now: datetime | None = None
) -> None:
    now = now or utcnow()
    if not coordinator.is_coordinator:
        raise ServiceError(_l("You may not do this."))
    message = (message or "").strip() or None
    if message is not None and len(message) > MESSAGE_MAX_LENGTH:
        raise ServiceError(
            _l("Use at most %(num)d characters.", num=MESSAGE_MAX_LENGTH),
            field="reason",
        )
    offers.lock_request(request)  # an acceptance a moment ago is seen: a filled request stays filled
    if request.state.takes_offers and request.starts_at <= now:
        raise ServiceError(
            _l("The appointment has begun: the request becomes “unmatched” by itself, and the organisation is told.")
        )
    by = By(Actor.COORDINATOR, coordinator)
    transitions.move(request, RequestState.UNMATCHED, by, reason=message)
    for offer in list(request.offers):
        if offer.state is OfferState.OFFERED:
            offers.withdraw(offer, by, because=WithdrawalCause.NOBODY_FOUND)
    notify_nobody_found(request, message)


def message_to_organisation(request: SupportRequest) -> str | None:
    """What the centre wrote to the organisation when it told it that nobody was found."""
    if request.state is not RequestState.UNMATCHED:
        return None
    return db.session.scalar(
        select(RequestEvent.reason)
        .where(
            RequestEvent.request_id == request.id,
            RequestEvent.subject == EventSubject.REQUEST,
            RequestEvent.to_state == RequestState.UNMATCHED.value,
            RequestEvent.actor_role == Actor.COORDINATOR,
        )
        .order_by(RequestEvent.at.desc(), RequestEvent.id.desc())
        .limit(1)
    )
