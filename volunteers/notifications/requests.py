"""Mails about requests and offers. Each carries what (kind, language), when, where and a
portal link: never the topic or the client reference, which stay in the portal."""

from __future__ import annotations

from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import phones
from ..formatting import format_datetime
from ..labels import label, place_label
from ..models import Offer, SupportRequest, User
from ..models.enums import ContactChannel, Mode, WithdrawalCause
from . import calendar
from .events import active_coordinators, mail_user
from .links import portal_url
from .outbox import CalendarEntry, Subject


def _locale() -> str:
    return str(get_locale() or "de")


class Appointment:
    """What, when and where: read while a mail is rendered, so in that mail's language."""

    def __init__(self, request: SupportRequest) -> None:
        self.request = request

    @property
    def what(self) -> str:
        request = self.request
        return f"{label(request.kind)} ({label(request.area)}), {request.language.name(_locale())}"

    @property
    def when(self) -> str:
        return format_datetime(self.request.starts_at, "long", weekday=True)

    @property
    def duration(self) -> int:
        return self.request.duration_minutes

    @property
    def where(self) -> str:
        request = self.request
        if request.mode is not Mode.ON_SITE or request.place is None:
            return str(label(request.mode))
        return ", ".join([str(place_label(request.place))] + ([request.meeting_point] if request.meeting_point else []))


def appointment(request: SupportRequest) -> Appointment:
    return Appointment(request)


def _organisation_people(request: SupportRequest) -> list[User]:
    """Whoever entered the request (if a member) and the organisation's contact person."""
    members = {m.user_id for m in request.organisation.memberships}
    people = [request.created_by, request.organisation.contact]
    seen, result = set(), []
    for person in people:
        if person and person.id in members and person.active and person.email and person.id not in seen:
            seen.add(person.id)
            result.append(person)
    return result


def _to(
    user: User,
    *,
    event: str,
    key: str,
    subject: Subject,
    request: SupportRequest,
    calendar: CalendarEntry | None = None,
    **context: object,
) -> bool:
    return mail_user(
        user, event=event, key=key, subject=subject, calendar=calendar, appointment=appointment(request), **context
    )


def _to_coordinators(
    request: SupportRequest, *, event: str, key: str, subject: Subject, but: User | None = None, **context: object
) -> int:
    """Every active coordinator (`but` the one who did it), with a link to the request's page
    for the centre."""
    link = portal_url("coordinator.request", request_id=request.id)
    return sum(
        _to(c, event=event, key=f"{key}:{c.id}", subject=subject, request=request, calendar=None, link=link, **context)
        for c in active_coordinators()
        if but is None or c.id != but.id
    )


def _to_organisation(request: SupportRequest, *, event: str, key: str, subject: Subject, **context: object) -> int:
    """The organisation's people for the request, with a link to its page in their portal."""
    link = portal_url("organisation.request", request_id=request.id)
    return sum(
        _to(p, event=event, key=f"{key}:{p.id}", subject=subject, request=request, calendar=None, link=link, **context)
        for p in _organisation_people(request)
    )


def notify_new_request(request: SupportRequest, entered_by: User | None = None) -> int:
    """Tells the coordinators; one who entered the request on the organisation's behalf is not
    told about it."""
    subject = _l("Urgent support request") if request.urgent else _l("New support request")
    return _to_coordinators(
        request,
        event="request_new",
        key=f"request-new:{request.id}",
        subject=subject,
        but=entered_by,
        urgent=request.urgent,
    )


def notify_offer(offer: Offer, raw_token: str) -> bool:
    return _to(
        offer.profile.user,
        event="offer_made",
        key=f"offer:{offer.id}",
        subject=_l("Can you help? A request for you"),
        request=offer.request,
        answer_link=portal_url("public.offer_response", token=raw_token),
        link=portal_url("volunteer.assignments"),
        expires_at=offer.expires_at,
    )


def notify_offer_withdrawn(offer: Offer, because: WithdrawalCause, was_accepted: bool) -> bool:
    user = offer.profile.user
    return _to(
        user,
        event="offer_withdrawn",
        key=f"offer-withdrawn:{offer.id}",
        subject=_l("An assignment has been cancelled") if was_accepted else _l("An offer to you has been withdrawn"),
        request=offer.request,
        because=because,
        was_accepted=was_accepted,
        link=portal_url("volunteer.assignments"),
        calendar=("CANCEL", lambda: calendar.entry(offer, user.locale, cancel=True)) if was_accepted else None,
    )


def notify_assignment_confirmed(offer: Offer) -> int:
    user = offer.profile.user
    request = offer.request
    sent = _to(
        user,
        event="assignment_confirmed",
        key=f"assignment-confirmed:{offer.id}",
        subject=_l("Confirmed: your assignment"),
        request=request,
        link=portal_url("volunteer.assignments"),
        calendar=("REQUEST", lambda: calendar.entry(offer, user.locale)),
    )
    profile = offer.profile
    contact = None
    # Only a checked number reaches the organisation (an old unchecked one stays with the centre).
    if profile.contact_channel is ContactChannel.PHONE and phones.is_normalised(profile.phone):
        contact = phones.display(profile.phone)
    elif profile.contact_channel is ContactChannel.EMAIL and user.email:
        contact = user.email
    return sent + _to_organisation(
        request,
        event="request_confirmed",
        key=f"request-confirmed:{offer.id}",
        subject=_l("A volunteer is confirmed for your request"),
        volunteer_name=user.given_name,
        volunteer_contact=contact,
        places_free=request.places_needed - request.places_filled,
    )


def notify_assignment_changed(offer: Offer) -> bool:
    user = offer.profile.user
    return _to(
        user,
        event="assignment_changed",
        key=f"assignment-changed:{offer.id}:{offer.calendar_sequence}",
        subject=_l("Your assignment has changed"),
        request=offer.request,
        link=portal_url("volunteer.assignments"),
        calendar=("REQUEST", lambda: calendar.entry(offer, user.locale)),
    )


def notify_acceptance_refused(offer: Offer, cap: bool) -> int:
    """A volunteer tried to accept and a funding limit (or the client's cap) refused it: the
    coordinators are told once per offer, as the volunteer was told that they would call."""
    return _to_coordinators(
        offer.request,
        event="acceptance_refused",
        key=f"acceptance-refused:{offer.id}",
        subject=_l("A volunteer wants to accept, but a funding limit stands in the way"),
        cap=cap,
    )


def notify_volunteer_cancelled(offer: Offer, short_notice: bool = False) -> int:
    """The volunteer cancelled (or a coordinator recorded it). At short notice the coordinators'
    mail says so in its subject, with the appointment's time, so it stands out in the inbox."""
    request = offer.request
    user = offer.profile.user
    sent: int = _to(
        user,
        event="assignment_cancelled_by_you",
        key=f"assignment-cancelled:{offer.id}",
        subject=_l("You have cancelled an assignment"),
        request=request,
        link=portal_url("volunteer.assignments"),
        calendar=("CANCEL", lambda: calendar.entry(offer, user.locale, cancel=True)),
    )

    def at_short_notice() -> str:
        return _(
            "Short notice: a volunteer has cancelled for %(when)s",
            when=format_datetime(request.starts_at, weekday=True),
        )

    subject: Subject = at_short_notice if short_notice else _l("A volunteer has cancelled: a place is free again")
    sent += _to_coordinators(
        request,
        event="volunteer_cancelled",
        key=f"volunteer-cancelled:{offer.id}",
        subject=subject,
        for_centre=True,
        short_notice=short_notice,
        hours=current_app.config["SHORT_NOTICE_HOURS"],
    )
    return sent + _to_organisation(
        request,
        event="volunteer_cancelled",
        key=f"volunteer-cancelled:{offer.id}",
        subject=_l("A volunteer had to cancel"),
        for_centre=False,
    )


def notify_volunteer_no_longer_comes(offer: Offer) -> int:
    """The centre released a confirmed volunteer (withdrawn, or the request changed so that
    they no longer fit): the organisation hears that the place is open again."""
    return _to_organisation(
        offer.request,
        event="volunteer_cancelled",
        key=f"volunteer-released:{offer.id}:{offer.calendar_sequence}",
        subject=_l("A volunteer can no longer come"),
        for_centre=False,
        released=True,
    )


def notify_request_cancelled_by_centre(request: SupportRequest) -> int:
    """The centre cancelled an organisation's request (for example after a phone call)."""
    return _to_organisation(
        request,
        event="request_cancelled",
        key=f"request-cancelled:{request.id}",
        subject=_l("The centre has cancelled your request"),
    )


def notify_request_unmatched(request: SupportRequest) -> int:
    key = f"request-unmatched:{request.id}"
    return _to_coordinators(
        request, event="request_unmatched", key=key, subject=_l("A request could not be filled"), for_centre=True
    ) + _to_organisation(
        request,
        event="request_unmatched",
        key=key,
        subject=_l("We could not find a volunteer for your request"),
        for_centre=False,
    )


def notify_nobody_found(request: SupportRequest, message: str | None) -> int:
    """The centre tells the organisation before the appointment that it found nobody (for the
    places still free), with the coordinator's message, if any, and how to reach the centre."""

    def subject() -> str:
        return _(
            "No volunteer found for your appointment on %(when)s",
            when=format_datetime(request.starts_at, weekday=True),
        )

    return _to_organisation(
        request,
        event="request_nobody_found",
        key=f"request-nobody-found:{request.id}",
        subject=subject,
        message=message,
        places_filled=request.places_filled,
        places_needed=request.places_needed,
        contact_email=current_app.config["CONTACT_EMAIL"],
        contact_phone=current_app.config["CONTACT_PHONE"],
    )


def notify_assignment_reminder(offer: Offer) -> bool:
    return _to(
        offer.profile.user,
        event="assignment_reminder",
        key=f"assignment-reminder:{offer.id}:{offer.request.starts_at.date().isoformat()}",
        subject=_l("Reminder: your assignment tomorrow"),
        request=offer.request,
        link=portal_url("volunteer.assignments"),
    )
