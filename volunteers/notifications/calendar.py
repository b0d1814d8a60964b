"""Calendar entries (.ics) for accepted assignments: Europe/Berlin times (with their VTIMEZONE),
a stable UID per offer, a SEQUENCE raised on every change, METHOD:CANCEL when it no longer takes
place. As iTIP (RFC 5546) asks of a REQUEST and a CANCEL: the centre is the ORGANIZER (its
contact address and name), the volunteer the ATTENDEE, DTSTAMP in UTC.
They carry what, when, where and a portal link: never the topic or the client reference.

The same events, with the same UID and SEQUENCE, make a volunteer's calendar feed (`feed`, the
subscription of services/calendar_feeds.py), without ORGANIZER and ATTENDEE: a subscribed
calendar is no invitation to answer, and an address that reaches a calendar service should not
carry the volunteer's mail address either."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from flask import current_app
from icalendar import Calendar, Event, Timezone, vCalAddress, vDuration, vText

from ..clock import BERLIN, local
from ..db_types import utcnow
from ..labels import label, place_label
from ..models import Offer
from .links import mail_domain, portal_url


def uid(offer: Offer) -> str:
    return f"offer-{offer.id}@{mail_domain()}"


def where(offer: Offer, locale: str) -> str:
    request = offer.request
    if request.place is None:
        return str(label(request.mode))
    parts = [str(place_label(request.place))] + ([request.meeting_point] if request.meeting_point else [])
    return ", ".join(parts)


def _address(email: str, name: str, **params: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["cn"] = vText(name)
    for key, value in params.items():
        address.params[key.replace("_", "-")] = vText(value)
    return address


def event(offer: Offer, locale: str, *, stamp: datetime, cancel: bool = False) -> Event:
    """What, when, where and a portal link: the entry as both the mails and the feed carry it.
    Call it in the recipient's locale (the kind of work is a translated label)."""
    request = offer.request
    event = Event()
    event.add("uid", uid(offer))
    event.add("sequence", offer.calendar_sequence)
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("dtstart", local(request.starts_at))
    event.add("dtend", local(request.starts_at + timedelta(minutes=request.duration_minutes)))
    event.add("summary", f"{label(request.kind)}: {request.language.name(locale)}")
    event.add("location", where(offer, locale))
    event.add("description", portal_url("volunteer.assignments"))
    event.add("url", portal_url("volunteer.assignments"))
    event.add("status", "CANCELLED" if cancel else "CONFIRMED")
    return event


def _calendar(**properties: object) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", f"-//{current_app.config['CENTRE_NAME']}//volunteers//DE")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    for name, value in properties.items():
        calendar.add(name.replace("_", "-"), value)
    return calendar


def entry(offer: Offer, locale: str, cancel: bool = False) -> str:
    """The invitation (or cancellation) a mail carries, as iTIP asks."""
    config = current_app.config
    volunteer = offer.profile.user
    calendar = _calendar(method="CANCEL" if cancel else "REQUEST")
    invitation = event(offer, locale, stamp=utcnow(), cancel=cancel)
    invitation.add("organizer", _address(config["CONTACT_EMAIL"], config["CENTRE_NAME"]))
    if volunteer.email:
        # Accepted in the portal or by mail link already: no reply is asked for.
        answer = {} if cancel else {"partstat": "ACCEPTED", "rsvp": "FALSE"}
        invitation.add(
            "attendee",
            _address(volunteer.email, volunteer.given_name, role="REQ-PARTICIPANT", cutype="INDIVIDUAL", **answer),
        )
    calendar.add_component(invitation)
    calendar.add_missing_timezones()
    return calendar.to_ical().decode()


#: How often calendar apps are asked to fetch the feed again (RFC 7986, and Outlook's own).
REFRESH = timedelta(hours=1)


def last_changed(offer: Offer) -> datetime:
    """When the entry last changed: its DTSTAMP in the feed, where (without METHOD) it means
    the last revision (RFC 5545, 3.8.7.2). Fixed by the data, so an unchanged feed is the same
    to the byte and its ETag lets calendar apps skip it."""
    return max(filter(None, (offer.request.updated_at, offer.responded_at, offer.offered_at)))


def feed(offers: Sequence[Offer], locale: str, name: str) -> bytes:
    """A subscription calendar (no METHOD): the offers' entries, confirmed, in the volunteer's
    locale, with the Europe/Berlin VTIMEZONE even when it is empty (a calendar needs a component)."""
    calendar = _calendar(name=name, x_wr_calname=name)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH).to_ical().decode())
    calendar.add_component(Timezone.from_tzid(BERLIN.key))
    for offer in offers:
        calendar.add_component(event(offer, locale, stamp=last_changed(offer)))
    calendar.add_missing_timezones()
    return calendar.to_ical()
