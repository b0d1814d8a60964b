"""A volunteer's calendar feed: calendar apps (Google, Apple, Outlook, Thunderbird) subscribe to
a secret address and fetch the confirmed assignments from it, so that new ones appear, changed
times move and cancelled ones go.

The address carries a random token (256 bits); only its SHA-256 is stored, as for mail links
(services/tokens.py), so the address is shown once, when it is made. Renewing replaces the token
(the old address stops at once), turning the feed off deletes it, and retiring or deactivating
the volunteer deletes it too (reactivation does not bring an old address back).

What the feed holds: the accepted assignments from 30 days back to a year ahead. A cancelled or
withdrawn assignment leaves the feed rather than staying as STATUS:CANCELLED: a subscribed
calendar is replaced by what the feed holds at each refresh, so every app removes it, while
apps differ in what they do with a cancelled entry of a subscription (struck through, hidden,
or shown as if it still took place). The volunteer is told of the cancellation by mail anyway,
with a calendar cancellation.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update
from sqlalchemy.orm import contains_eager, joinedload

from ..db_types import utcnow
from ..db_writes import rows_changed
from ..extensions import db
from ..models import CalendarFeed, Offer, SupportRequest, User, VolunteerProfile
from ..models.enums import OfferState, VolunteerStatus
from . import ServiceError, audit
from .tokens import digest

#: The assignments a feed holds: a month of the past (what was done lately stays in the
#: calendar) and a year ahead.
SINCE = timedelta(days=30)
UNTIL = timedelta(days=365)

ALREADY_ON = _l(
    "Your calendar feed is on already. Its address is shown only once, when it is made: if you "
    "no longer have it, give the feed a new address."
)
NOT_ON = _l("Your calendar feed is off. Turn it on to get an address.")


def _own(actor: User, profile: VolunteerProfile) -> None:
    if actor.id != profile.user_id:
        raise ServiceError(_l("Only the volunteer turns their calendar feed on or off."))


def feed_of(profile: VolunteerProfile) -> CalendarFeed | None:
    return db.session.scalar(select(CalendarFeed).where(CalendarFeed.profile_id == profile.id))


def _new_token() -> tuple[str, str]:
    raw = secrets.token_urlsafe(32)
    return raw, digest(raw)


def turn_on(actor: User, profile: VolunteerProfile, now: datetime | None = None) -> str:
    """Makes the feed; returns the token for the address, which is not stored. Turning on a
    feed that is on is refused (a second tab, the form sent twice): renewing is a decision of
    its own, because it stops the address in the calendars that use it."""
    _own(actor, profile)
    if profile.status is VolunteerStatus.RETIRED:
        raise ServiceError(_l("Your volunteering has ended, so there are no assignments to show."))
    if feed_of(profile) is not None:
        raise ServiceError(ALREADY_ON)
    raw, hashed = _new_token()
    db.session.add(CalendarFeed(profile_id=profile.id, token_hash=hashed, created_at=now or utcnow()))
    audit.record("calendar_feed.turned_on", actor=actor, subject=actor)
    return raw


def renew(actor: User, profile: VolunteerProfile, now: datetime | None = None) -> str:
    """A new address; the old one stops at once. Returns the new token."""
    _own(actor, profile)
    raw, hashed = _new_token()
    renewed = rows_changed(
        update(CalendarFeed)
        .where(CalendarFeed.profile_id == profile.id)
        .values(token_hash=hashed, created_at=now or utcnow(), last_used_at=None)
        .execution_options(synchronize_session=False)
    )
    if renewed != 1:
        raise ServiceError(NOT_ON)
    audit.record("calendar_feed.renewed", actor=actor, subject=actor)
    return raw


def turn_off(actor: User, profile: VolunteerProfile) -> None:
    _own(actor, profile)
    if not stop(profile):
        raise ServiceError(_l("Your calendar feed is off already."))
    audit.record("calendar_feed.turned_off", actor=actor, subject=actor)


def stop(profile: VolunteerProfile) -> bool:
    """Deletes the feed (turned off, or the volunteer retired or deactivated); False if there
    was none."""
    return rows_changed(delete(CalendarFeed).where(CalendarFeed.profile_id == profile.id)) == 1


def find(raw: str) -> CalendarFeed | None:
    """The feed of this token, if it serves: its volunteer's account is active and the
    volunteer not retired (a feed is deleted then anyway; this holds whatever deleted it)."""
    if not raw or len(raw) > 100:
        return None
    return db.session.scalar(
        select(CalendarFeed)
        .join(CalendarFeed.profile)
        .join(VolunteerProfile.user)
        .where(
            CalendarFeed.token_hash == digest(raw),
            User.active.is_(True),
            User.is_volunteer.is_(True),
            VolunteerProfile.status != VolunteerStatus.RETIRED,
        )
        .options(contains_eager(CalendarFeed.profile).contains_eager(VolunteerProfile.user))
    )


def fetched(feed: CalendarFeed, now: datetime | None = None) -> list[Offer]:
    """A calendar app fetches the feed: the assignments it holds, soonest first, in one query
    however many there are (with their request, language and place); the time is recorded."""
    now = now or utcnow()
    feed.last_used_at = now
    return list(
        db.session.scalars(
            select(Offer)
            .join(Offer.request)
            .where(
                Offer.profile_id == feed.profile_id,
                Offer.state == OfferState.ACCEPTED,
                SupportRequest.starts_at >= now - SINCE,
                SupportRequest.starts_at <= now + UNTIL,
            )
            .options(
                contains_eager(Offer.request).options(
                    joinedload(SupportRequest.language), joinedload(SupportRequest.place)
                )
            )
            .order_by(SupportRequest.starts_at, Offer.id)
        ).unique()
    )
