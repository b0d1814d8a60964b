"""Cancellations at short notice: a confirmed volunteer who cancels less than
SHORT_NOTICE_HOURS (config.py) before the appointment. The cancellation's history entry keeps
it (`Notice.SHORT` as its note), so no column is needed: the board, the overview, the week and
the request page read it from there while the request is to fill again."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, exists, select

from ..extensions import db
from ..models import Offer, RequestEvent, SupportRequest, User, VolunteerProfile
from ..models.enums import EventSubject, Notice, OfferState
from .id_lists import among


def is_short_notice(request: SupportRequest, now: datetime) -> bool:
    """Whether cancelling now leaves the centre less than SHORT_NOTICE_HOURS to find someone."""
    return request.starts_at - now < timedelta(hours=current_app.config["SHORT_NOTICE_HOURS"])


def _cancelled_at_short_notice() -> list[ColumnElement[bool]]:
    return [
        RequestEvent.subject == EventSubject.OFFER,
        RequestEvent.to_state == OfferState.CANCELLED_BY_VOLUNTEER.value,
        RequestEvent.note == Notice.SHORT.value,
    ]


def had_short_notice_cancellation() -> ColumnElement[bool]:
    """A condition on SupportRequest: a volunteer cancelled it at short notice."""
    return exists().where(RequestEvent.request_id == SupportRequest.id, *_cancelled_at_short_notice())


def marked_short_notice(request_ids: Iterable[int]) -> set[int]:
    """Which of these requests had a cancellation at short notice (one query for a page)."""
    return set(
        db.session.scalars(
            select(RequestEvent.request_id)
            .where(among(RequestEvent.request_id, request_ids), *_cancelled_at_short_notice())
            .distinct()
        )
    )


def who_cancelled_at_short_notice(request: SupportRequest) -> list[str]:
    """The names of the volunteers who cancelled this request at short notice, first first."""
    return list(
        dict.fromkeys(
            f"{given} {family}"
            for given, family in db.session.execute(
                select(User.given_name, User.family_name)
                .select_from(RequestEvent)
                .join(Offer, RequestEvent.offer_id == Offer.id)
                .join(VolunteerProfile, Offer.profile_id == VolunteerProfile.id)
                .join(User, VolunteerProfile.user_id == User.id)
                .where(RequestEvent.request_id == request.id, *_cancelled_at_short_notice())
                .order_by(RequestEvent.at, RequestEvent.id)
            )
        )
    )
