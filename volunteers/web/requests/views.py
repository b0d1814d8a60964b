"""What the organisations' and the coordinators' request pages share."""

from __future__ import annotations

from flask import abort
from flask_babel import gettext as _
from flask_babel import ngettext, pgettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...labels import field_names, label
from ...models import Offer, RequestEvent, SupportRequest, VolunteerProfile
from ...models.enums import Actor, AssignmentState, Channel, EventSubject, LimitNote, Notice, OfferState
from ...notifications.requests import appointment
from ...services import requests as request_service
from ..edge.confirm import Confirmation


def request_or_404(request_id: int) -> SupportRequest:
    """The request if the current user may see it; 404 otherwise (no hint that it exists)."""
    found = db.one_or_404(
        select(SupportRequest)
        .where(SupportRequest.id == request_id)
        .options(
            selectinload(SupportRequest.organisation),
            selectinload(SupportRequest.language),
            selectinload(SupportRequest.place),
            selectinload(SupportRequest.offers).selectinload(Offer.profile).selectinload(VolunteerProfile.user),
        )
    )
    if not request_service.can_view(current_user, found):
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


def by_whom(event: RequestEvent, for_centre: bool) -> str:
    """Who did it and how, for the history and the offers table. The centre sees names; an
    organisation sees its own members' names, and otherwise a role: volunteers' names are
    given to organisations only once they are confirmed (with the contact they allow), and
    coordinators act for the centre, not in their own name."""
    how = label(event.channel)
    if event.actor_role is Actor.SYSTEM:
        return _("System, by the scheduled job") if event.channel is Channel.SCHEDULED_JOB else _("Automatically")
    name = event.actor.full_name if event.actor is not None else None
    if for_centre:
        if event.channel is Channel.PHONE:
            return _("By phone, recorded by %(name)s", name=name or label(event.actor_role))
        if name is None:
            return _("%(role)s (account deleted), %(how)s", role=label(event.actor_role), how=how)
        return _("%(name)s (%(role)s), %(how)s", name=name, role=label(event.actor_role), how=how)
    if event.actor_role is Actor.COORDINATOR:
        return (
            _("By phone, recorded by the centre")
            if event.channel is Channel.PHONE
            else _("The centre, %(how)s", how=how)
        )
    if event.actor_role is Actor.VOLUNTEER:
        return _("The volunteer, %(how)s", how=how)
    return _("%(name)s, %(how)s", name=name or _("your organisation"), how=how)


def last_moves(history: list[tuple[RequestEvent, str, str]]) -> dict[int, tuple[RequestEvent, str]]:
    """Each offer's latest entry and who made it: what the offers table shows."""
    return {
        event.offer_id: (event, by)
        for event, _text, by in history
        if event.offer_id is not None and event.subject is EventSubject.OFFER and event.note not in LIMIT_NOTES
    }


LIMIT_NOTES = frozenset(note.value for note in LimitNote)


def _limit_text(event: RequestEvent, names: dict[int, str]) -> str:
    who = names.get(event.offer_id or 0, "–")
    if event.note == LimitNote.CAP_EXCEPTION:
        return _("Exception granted to the funded assignments per client")
    if event.note == LimitNote.OVERRIDDEN:
        return _("Funding limit overridden for the offer: %(who)s", who=who)
    return _("Acceptance refused, it would pass a funding limit: %(who)s", who=who)


def describe(
    events: list[RequestEvent], record: SupportRequest, for_centre: bool
) -> list[tuple[RequestEvent, str, str]]:
    """Each history entry as a sentence, with who did it and how. Organisations do not see who
    was asked, only what happened; the centre sees names."""
    names = {offer.id: offer.profile.user.full_name for offer in record.offers}
    described = []
    for event in events:
        if event.note in LIMIT_NOTES:
            if for_centre:  # the organisation does not learn of its clients' counts, nor of volunteers' limits
                described.append((event, _limit_text(event, names), by_whom(event, for_centre)))
            continue
        if event.subject is EventSubject.REQUEST:
            if event.from_state is None:
                text = _("Request submitted")
            elif event.changed_fields:
                text = _("Request changed: %(fields)s", fields=field_names(event.changed_fields))
            elif event.from_state == event.to_state:
                text = _("Request changed")
            else:
                text = _("Request: %(state)s", state=label(event.target))
        elif event.subject is EventSubject.ASSIGNMENT:
            who = names.get(event.offer_id, "–") if for_centre else _("a volunteer")
            moves = {
                AssignmentState.AWAITING_REPORT: _("Appointment over, waiting for the report: %(who)s", who=who),
                AssignmentState.REPORTED: _("Reported: %(who)s", who=who),
                AssignmentState.CONFIRMED: _("Confirmed: %(who)s", who=who),
                AssignmentState.DISPUTED: _("Disputed: %(who)s", who=who),
                AssignmentState.SETTLED: _("Settled: %(who)s", who=who),
            }
            if event.changed_fields == ["settled_month"]:
                text = _("Moved to the next month's settlement: %(who)s", who=who)
            elif event.changed_fields == ["adjustment"]:
                text = _("Corrected after settling, as an adjustment in a later month: %(who)s", who=who)
            elif event.changed_fields:
                text = _("Report corrected (%(fields)s): %(who)s", fields=field_names(event.changed_fields), who=who)
            else:
                text = moves[AssignmentState(event.to_state)]
        else:
            who = names.get(event.offer_id, "–") if for_centre else _("a volunteer")
            texts = {
                OfferState.OFFERED: _("Asked: %(who)s", who=who),
                OfferState.ACCEPTED: _("Accepted: %(who)s", who=who),
                OfferState.DECLINED: _("Declined: %(who)s", who=who),
                OfferState.EXPIRED: _("No answer in time: %(who)s", who=who),
                OfferState.WITHDRAWN: _("Offer withdrawn: %(who)s", who=who),
                OfferState.CANCELLED_BY_VOLUNTEER: _("Cancelled by the volunteer: %(who)s", who=who),
            }
            text = texts[event.target]
            if event.target is OfferState.CANCELLED_BY_VOLUNTEER and event.note == Notice.SHORT:
                text = _("Cancelled at short notice by the volunteer: %(who)s", who=who)
        described.append((event, text, by_whom(event, for_centre)))
    return described


def cancelled_message(record: SupportRequest, by_centre: bool) -> str:
    """What the flash after cancelling says, as the confirmation page said it (read before the
    cancellation withdraws the offers)."""
    if any(offer.state.is_live for offer in record.offers):
        return _("The request is cancelled; volunteers already asked or confirmed have been told.")
    if by_centre:
        return _("The request is cancelled; the organisation has been told by mail.")
    return _("The request is cancelled. Nobody had been asked yet, so nobody gets a mail.")


def cancel_confirmation(record: SupportRequest, by_centre: bool, back_url: str):
    """What cancelling a request does, and who hears of it."""
    asked = sum(offer.state is OfferState.OFFERED for offer in record.offers)
    confirmed = sum(offer.state is OfferState.ACCEPTED for offer in record.offers)
    told = []
    if confirmed:
        told.append(
            ngettext(
                "The confirmed volunteer, by mail, with the calendar cancellation.",
                "The %(num)d confirmed volunteers, by mail, with the calendar cancellation.",
                confirmed,
            )
        )
    if asked:
        told.append(
            ngettext(
                "The volunteer asked, by mail: the offer is withdrawn.",
                "The %(num)d volunteers asked, by mail: the offer is withdrawn.",
                asked,
            )
        )
    if by_centre:
        told.append(_("The organisation, by mail."))
    what = appointment(record)
    return Confirmation(
        title=_("Cancel the request %(reference)s?", reference=record.client_reference),
        facts=[(_("What:"), what.what), (_("When:"), what.when), (_("Where:"), what.where)],
        happens=[
            _("The request is closed: nobody more is asked, and it cannot be opened again."),
            _("Volunteers are told that it is cancelled, not why."),
        ],
        told=told,
        confirm_label=_("Yes, cancel the request"),
        back_label=_("No, keep the request"),
        back_url=back_url,
    )


def nobody_found_confirmation(record: SupportRequest, back_url: str) -> Confirmation:
    """What telling the organisation that nobody was found does, and who hears of it."""
    asked = sum(offer.state is OfferState.OFFERED for offer in record.offers)
    confirmed = record.places_filled
    what = appointment(record)
    happens = [_("The request becomes “unmatched” now: nobody more is asked, and it cannot be opened again.")]
    if asked:
        happens.append(
            ngettext(
                "The offer still waiting for an answer is withdrawn.",
                "The %(num)d offers still waiting for an answer are withdrawn.",
                asked,
            )
        )
    if confirmed:
        happens.append(
            ngettext(
                "The volunteer already confirmed keeps the place and still comes.",
                "The %(num)d volunteers already confirmed keep their places and still come.",
                confirmed,
            )
        )
    told = [_("The organisation, by mail, with your message and how to reach the centre.")]
    if asked:
        told.append(
            ngettext(
                "The volunteer asked, by mail: the offer is withdrawn.",
                "The %(num)d volunteers asked, by mail: the offer is withdrawn.",
                asked,
            )
        )
    return Confirmation(
        title=_("Tell the organisation that nobody was found for %(reference)s?", reference=record.client_reference),
        facts=[
            (_("What:"), what.what),
            (_("When:"), what.when),
            (_("Where:"), what.where),
            (
                pgettext("places to fill", "Places"),
                _("%(filled)d of %(needed)d places filled", filled=confirmed, needed=record.places_needed),
            ),
        ],
        happens=happens,
        told=told,
        confirm_label=_("Yes, tell the organisation"),
        back_label=_("No, keep looking"),
        back_url=back_url,
    )
