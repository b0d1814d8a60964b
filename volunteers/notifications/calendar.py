"""Calendar entries (.ics) for accepted assignments: Europe/Berlin times, a stable UID per
offer, a SEQUENCE raised on every change, METHOD:CANCEL when it no longer takes place.
They carry what, when, where and a portal link: never the topic or the client reference."""

from __future__ import annotations

from datetime import timedelta

from icalendar import Calendar, Event

from ..db_types import utcnow
from ..labels import label, place_label
from ..models import Offer
from ..services.matching import BERLIN
from .links import mail_domain, portal_url


def uid(offer: Offer) -> str:
    return f"offer-{offer.id}@{mail_domain()}"


def where(offer: Offer, locale: str) -> str:
    request = offer.request
    if request.place is None:
        return str(label(request.mode))
    parts = [str(place_label(request.place))] + ([request.meeting_point] if request.meeting_point else [])
    return ", ".join(parts)


def entry(offer: Offer, locale: str, cancel: bool = False) -> str:
    request = offer.request
    calendar = Calendar()
    calendar.add("prodid", "-//WIR-Vielfaltszentrum Landkreis Kassel//volunteers//DE")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancel else "REQUEST")
    event = Event()
    event.add("uid", uid(offer))
    event.add("sequence", offer.calendar_sequence)
    event.add("dtstamp", utcnow())
    event.add("dtstart", request.starts_at.astimezone(BERLIN))
    event.add("dtend", (request.starts_at + timedelta(minutes=request.duration_minutes)).astimezone(BERLIN))
    event.add("summary", f"{label(request.kind)}: {request.language.name(locale)}")
    event.add("location", where(offer, locale))
    event.add("description", portal_url("volunteer.assignments"))
    event.add("url", portal_url("volunteer.assignments"))
    event.add("status", "CANCELLED" if cancel else "CONFIRMED")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical().decode()
