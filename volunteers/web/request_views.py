"""What the organisations' and the coordinators' request pages share."""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Offer, RequestEvent, SupportRequest, VolunteerProfile
from ..services import requests as request_service

#: How a request's history notes an edit: "changed: area, kind" (field names, shown as labels).
CHANGED = "changed: "


def request_or_404(request_id: int) -> SupportRequest:
    """The request if the current user may see it; 404 otherwise (no hint that it exists)."""
    found = db.session.scalar(
        select(SupportRequest)
        .where(SupportRequest.id == request_id)
        .options(
            selectinload(SupportRequest.organisation),
            selectinload(SupportRequest.language),
            selectinload(SupportRequest.place),
            selectinload(SupportRequest.offers).selectinload(Offer.profile).selectinload(VolunteerProfile.user),
        )
    )
    if found is None or not request_service.can_view(current_user, found):
        abort(404)
    return found


def history_of(request: SupportRequest) -> list[RequestEvent]:
    return list(
        db.session.scalars(
            select(RequestEvent)
            .where(RequestEvent.request_id == request.id)
            .options(selectinload(RequestEvent.actor))
            .order_by(RequestEvent.at, RequestEvent.id)
        )
    )


def _changed_fields(note: str | None) -> list[str]:
    return note[len(CHANGED) :].split(", ") if note and note.startswith(CHANGED) else []


def describe(events: list[RequestEvent], record: SupportRequest, for_centre: bool) -> list[tuple[RequestEvent, str]]:
    """Each history entry as a sentence. Organisations do not see who was asked, only what
    happened; the centre sees names."""
    from flask_babel import gettext as _

    from ..labels import field_names, label
    from ..models.enums import OfferState, RequestState

    names = {offer.id: offer.profile.user.full_name for offer in record.offers}
    described = []
    for event in events:
        if event.subject == "request":
            if event.from_state is None:
                text = _("Request submitted")
            elif event.from_state == event.to_state:
                changed = (
                    event.note[len(CHANGED) :].split(", ") if event.note and event.note.startswith(CHANGED) else []
                )
                text = (
                    _("Request changed: %(fields)s", fields=field_names(changed)) if changed else _("Request changed")
                )
            else:
                text = _("Request: %(state)s", state=label(RequestState(event.to_state)))
        else:
            who = names.get(event.offer_id, "–") if for_centre else _("a volunteer")
            target = OfferState(event.to_state)
            texts = {
                OfferState.OFFERED: _("Asked: %(who)s", who=who),
                OfferState.ACCEPTED: _("Accepted: %(who)s", who=who),
                OfferState.DECLINED: _("Declined: %(who)s", who=who),
                OfferState.EXPIRED: _("No answer in time: %(who)s", who=who),
                OfferState.WITHDRAWN: _("Offer withdrawn: %(who)s", who=who),
                OfferState.CANCELLED_BY_VOLUNTEER: _("Cancelled by the volunteer: %(who)s", who=who),
            }
            text = texts[target]
        described.append((event, text))
    return described
