"""Calendar entries (.ics) for accepted assignments: Europe/Berlin times (with their VTIMEZONE),
a stable UID per offer, a SEQUENCE raised on every change, METHOD:CANCEL when it no longer takes
place. As iTIP (RFC 5546) asks of a REQUEST and a CANCEL: the centre is the ORGANIZER (its
contact address and name), the volunteer the ATTENDEE, DTSTAMP in UTC.
They carry what, when, where and a portal link: never the topic or the client reference."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from icalendar import Calendar, Event, vCalAddress, vText

from ..clock import local
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


def entry(offer: Offer, locale: str, cancel: bool = False) -> str:
    request = offer.request
    config = current_app.config
    volunteer = offer.profile.user
    calendar = Calendar()
    calendar.add("prodid", f"-//{config['CENTRE_NAME']}//volunteers//DE")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if cancel else "REQUEST")
    event = Event()
    event.add("uid", uid(offer))
    event.add("sequence", offer.calendar_sequence)
    event.add("dtstamp", utcnow())
    event.add("organizer", _address(config["CONTACT_EMAIL"], config["CENTRE_NAME"]))
    if volunteer.email:
        # Accepted in the portal or by mail link already: no reply is asked for.
        answer = {} if cancel else {"partstat": "ACCEPTED", "rsvp": "FALSE"}
        event.add(
            "attendee",
            _address(volunteer.email, volunteer.given_name, role="REQ-PARTICIPANT", cutype="INDIVIDUAL", **answer),
        )
    event.add("dtstart", local(request.starts_at))
    event.add("dtend", local(request.starts_at + timedelta(minutes=request.duration_minutes)))
    event.add("summary", f"{label(request.kind)}: {request.language.name(locale)}")
    event.add("location", where(offer, locale))
    event.add("description", portal_url("volunteer.assignments"))
    event.add("url", portal_url("volunteer.assignments"))
    event.add("status", "CANCELLED" if cancel else "CONFIRMED")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical().decode()
