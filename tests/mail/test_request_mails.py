"""The ten mails about support requests, each in German and in English (the recipient's
locale), checked as they reach the SMTP server: the subject in the recipient's language, the
right recipients, links that open, calendar entries a calendar understands (a stable UID, a
SEQUENCE that rises, CANCEL when it no longer takes place), and never the topic or the
client reference. Every mail is caused the way a person (or `flask tick`) causes it."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from urllib.parse import urlsplit

import pytest
from flask import current_app
from flask_babel import force_locale
from icalendar import Calendar
from sqlalchemy import func, select

from tests import factories
from tests.conftest import submit
from tests.mailbox import links, path_of_link
from tests.smtp import body_html, body_text
from volunteers.clock import BERLIN, today
from volunteers.extensions import db
from volunteers.labels import label
from volunteers.models import ActionToken, Membership, Offer, Organisation, OutboxMessage, SupportRequest, User
from volunteers.models.enums import ContactChannel, OfferState, RequestState, TopicCategory
from volunteers.services import offers
from volunteers.services.workdays import earliest_appointment

LOCALES = ("de", "en")
#: A topic whose label is easy to spot, and the organisation's pseudonym for the person.
TOPIC = TopicCategory.JOB_CENTRE
REFERENCE = "K-2026-017"
GREETING = {"de": "Hallo", "en": "Hello"}

# The English subjects (the source texts); a German mail must not carry them.
NEW = "New support request"
URGENT = "Urgent support request"
OFFER = "Can you help? A request for you"
WITHDRAWN_ACCEPTED = "An assignment has been cancelled"
WITHDRAWN_ASKED = "An offer to you has been withdrawn"
CONFIRMED = "Confirmed: your assignment"
CHANGED = "Your assignment has changed"
CANCELLED_BY_YOU = "You have cancelled an assignment"
REQUEST_CONFIRMED = "A volunteer is confirmed for your request"
VOLUNTEER_CANCELLED_CENTRE = "A volunteer has cancelled: a place is free again"
VOLUNTEER_CANCELLED_ORGANISATION = "A volunteer had to cancel"
UNMATCHED_CENTRE = "A request could not be filled"
UNMATCHED_ORGANISATION = "We could not find a volunteer for your request"
REMINDER = "Reminder: your assignment tomorrow"

HREF = re.compile(r'href="([^"]+)"')


def _other(locale: str) -> str:
    return "en" if locale == "de" else "de"


@dataclass
class Scene:
    staff: User
    organisation: Organisation
    coordinator: User
    volunteer: User
    record: SupportRequest


def _scene(*, staff: str = "de", coordinator: str = "de", volunteer: str = "de") -> Scene:
    """An organisation's request (Tuesday 9:00 in two weeks, in Kassel) and a volunteer who
    may take it; each person in the locale given."""
    member, organisation = factories.organisation_user(locale=staff)
    centre = factories.coordinator(locale=coordinator)
    person = _volunteer(volunteer)
    record = factories.support_request(
        organisation,
        topic=TOPIC,
        client_reference=REFERENCE,
        created_by_id=member.id,
        starts_at=factories.next_weekday(1, 9, weeks=2),
        contact_on_site="Frau Becker, 0561 1003-0",
    )
    return Scene(member, organisation, centre, person, record)


def _volunteer(locale: str) -> User:
    person = factories.available_volunteer(locale=locale, place_name="Kassel")
    person.profile.contact_channel = ContactChannel.PHONE
    person.profile.phone = "+495615550101"
    db.session.commit()
    return person


def _request_form(**changes) -> dict:
    return factories.request_form(**{"topic": TOPIC.value, "client_reference": REFERENCE, **changes})


def _edit_form(record: SupportRequest, **changes) -> dict:
    """The edit form as the page fills it in for this request, with some changes."""
    local = record.starts_at.astimezone(BERLIN)
    data = {
        "version": str(record.version),
        "area": record.area.value,
        "kind": record.kind.value,
        "places_needed": str(record.places_needed),
        "language_code": record.language_code,
        "topic": record.topic.value,
        "mode": record.mode.value,
        "day": local.date().isoformat(),
        "start": local.strftime("%H:%M"),
        "duration_minutes": str(record.duration_minutes),
        "alternative_day": "",
        "alternative_start": "",
        "place_id": str(record.place_id),
        "meeting_point": record.meeting_point or "",
        "contact_on_site": record.contact_on_site or "",
        "gender_preference": record.gender_preference.value,
        "client_reference": record.client_reference,
        "consent_confirmed": "y",
        "not_excluded_confirmed": "y",
    }
    data.update(changes)
    return data


# ---------------------------------------------------------------------------------------------
# Reading what arrived


def _arrived(smtp_server, event: str, user: User) -> EmailMessage:
    """The one mail of this kind that reached this person (found by its Message-ID, so the
    subject's language does not matter for finding it)."""
    rows = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.event == event, OutboxMessage.recipient == user.email)
    ).all()
    assert len(rows) == 1, [(r.event, r.recipient) for r in rows]
    found = [m for m in smtp_server.messages if m["Message-ID"] == rows[0].message_id]
    assert len(found) == 1, f"{event} to {user.email} did not arrive at the SMTP server"
    message = found[0]
    assert message["To"] == user.email
    return message


def _recipients(smtp_server, event: str) -> set[str]:
    ids = set(db.session.scalars(select(OutboxMessage.message_id).where(OutboxMessage.event == event)))
    return {str(m["To"]) for m in smtp_server.messages if m["Message-ID"] in ids}


def _all_links(message: EmailMessage) -> list[str]:
    """The web links of a mail (the centre's mailto: and tel: links in the footer are not)."""
    found = links(message) + [html.unescape(link) for link in HREF.findall(body_html(message))]
    return [link for link in dict.fromkeys(found) if not link.startswith(("mailto:", "tel:"))]


def _open_links(message: EmailMessage, client) -> list[str]:
    """Opens every link of the mail (its path) with the recipient's signed-in client; returns
    the paths. Offer links are opened by a visitor elsewhere."""
    base = urlsplit(current_app.config["BASE_URL"])
    paths = []
    for link in _all_links(message):
        parts = urlsplit(link)
        assert (parts.scheme, parts.netloc) == (base.scheme, base.netloc), link
        path = parts.path or "/"
        paths.append(path)
        if path.startswith("/offer/"):
            continue
        response = client.get(path, follow_redirects=True)
        assert response.status_code == 200, (link, response.status_code)
    return paths


def _calendar_part(message: EmailMessage):
    parts = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    return parts[0] if parts else None


def _calendar(message: EmailMessage):
    part = _calendar_part(message)
    assert part is not None, "no calendar entry attached"
    text = part.get_content()
    if isinstance(text, bytes):
        text = text.decode()
    calendar = Calendar.from_ical(text)
    [event] = calendar.walk("VEVENT")
    return part, calendar, event


def _assert_entry(message: EmailMessage, record: SupportRequest, offer: Offer, *, cancelled: bool):
    """The .ics parses; UID per offer, METHOD and STATUS, DTSTART the request's start in Berlin.
    Returns (uid, sequence)."""
    part, calendar, event = _calendar(message)
    method = "CANCEL" if cancelled else "REQUEST"
    assert str(calendar["method"]) == method
    assert part.get_param("method") == method
    assert str(event["status"]) == ("CANCELLED" if cancelled else "CONFIRMED")
    start = event.decoded("dtstart")
    assert start == record.starts_at
    assert event["dtstart"].params.get("TZID") == "Europe/Berlin" or getattr(start.tzinfo, "key", "") == (
        "Europe/Berlin"
    )
    assert start.astimezone(BERLIN).replace(tzinfo=None) == record.starts_at.astimezone(BERLIN).replace(tzinfo=None)
    uid = str(event["uid"])
    assert uid.startswith(f"offer-{offer.id}@")
    _assert_itip(calendar, event, offer, cancelled=cancelled)
    return uid, int(event["sequence"])


def _assert_itip(calendar, event, offer: Offer, *, cancelled: bool) -> None:
    """What RFC 5545 requires of every calendar and RFC 5546 of a REQUEST and a CANCEL."""
    assert str(calendar["version"]) == "2.0" and str(calendar["prodid"]).startswith("-//")
    for required in ("uid", "dtstamp", "sequence", "organizer", "attendee", "dtstart", "summary"):
        assert required in event, f"{required.upper()} is missing"
    assert event.decoded("dtstamp").utcoffset() == timedelta(0)  # DTSTAMP is in UTC
    assert re.search(r"\r\nDTSTAMP:\d{8}T\d{6}Z\r\n", calendar.to_ical().decode())
    organizer = event["organizer"]
    assert str(organizer).lower() == f"mailto:{current_app.config['CONTACT_EMAIL']}".lower()
    assert organizer.params["CN"] == current_app.config["CENTRE_NAME"]
    attendee = event["attendee"]
    volunteer = db.session.get(Offer, offer.id).profile.user
    assert str(attendee).lower() == f"mailto:{volunteer.email}".lower()
    assert attendee.params["CN"] == volunteer.given_name and attendee.params["ROLE"] == "REQ-PARTICIPANT"
    if not cancelled:
        assert attendee.params["PARTSTAT"] == "ACCEPTED"
    # Every TZID used has its VTIMEZONE.
    zones = {str(zone["tzid"]) for zone in calendar.walk("VTIMEZONE")}
    for name in ("dtstart", "dtend"):
        assert event[name].params.get("TZID") in zones


def _forbidden() -> list[str]:
    """The topic's label in every language, and the client reference."""
    words = [REFERENCE]
    for locale in LOCALES:
        with force_locale(locale):
            words.append(str(label(TOPIC)))
    return words


def _assert_nothing_private(message: EmailMessage, *also: str) -> None:
    texts = {
        "subject": str(message["Subject"]),
        "text": body_text(message),
        "html": html.unescape(body_html(message)),
    }
    part = _calendar_part(message)
    if part is not None:
        content = part.get_content()
        content = content.decode() if isinstance(content, bytes) else content
        # Unfold the long lines of the .ics (RFC 5545, 3.1) before looking.
        texts["ics"] = re.sub(r"\r?\n[ \t]", "", content)
    for name, text in texts.items():
        for word in [*_forbidden(), *also]:
            assert word.lower() not in text.lower(), f"{word!r} is in the {name} of {message['Subject']!r}"


def _assert_language(message: EmailMessage, locale: str, english_subject: str) -> None:
    """Checked last in each test, so that the other checks run for both languages."""
    assert message["Content-Language"] == locale
    assert f'<html lang="{locale}"' in body_html(message)
    assert body_text(message).startswith(GREETING[locale])
    subject = str(message["Subject"])
    if locale == "en":
        assert subject == english_subject
    else:
        assert subject.strip(), "empty subject"
        assert subject != english_subject, f"the German mail has the English subject {subject!r}"


# ---------------------------------------------------------------------------------------------
# Doing what people do


def _signed_in(app, login, user: User):
    client = app.test_client()
    login(client, user)
    return client


def _offer_by_page(app, login, scene: Scene, people: list[User]) -> None:
    client = _signed_in(app, login, scene.coordinator)
    response = submit(
        client,
        f"/coordinator/requests/{scene.record.id}/offers",
        {"profile_ids": [str(p.profile.id) for p in people]},
        page=f"/coordinator/requests/{scene.record.id}",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]


def _offer_links(app, login, deliver, smtp_server, scene: Scene, people: list[User]) -> dict[int, str]:
    """The coordinator offers the request; each volunteer's answer link, from the mail."""
    _offer_by_page(app, login, scene, people)
    deliver()
    return {p.id: path_of_link(_arrived(smtp_server, "offer_made", p), "/offer/") for p in people}


def _accept_by_link(app, path: str) -> None:
    visitor = app.test_client()
    response = submit(visitor, path, {"answer": "accept"})
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]


def _accepted(app, login, deliver, smtp_server, scene: Scene) -> Offer:
    paths = _offer_links(app, login, deliver, smtp_server, scene, [scene.volunteer])
    _accept_by_link(app, paths[scene.volunteer.id])
    db.session.expire_all()
    offer = db.session.scalar(select(Offer).where(Offer.profile_id == scene.volunteer.profile.id))
    assert offer.state is OfferState.ACCEPTED
    return offer


def _cancel_as_volunteer(app, login, scene: Scene, offer: Offer) -> None:
    client = _signed_in(app, login, scene.volunteer)
    response = submit(
        client, f"/volunteer/offers/{offer.id}/cancel", {"reason": "A fever"}, page="/volunteer/assignments"
    )
    assert response.status_code == 302


def _berlin_day(record: SupportRequest):
    return record.starts_at.astimezone(BERLIN).date()


# ---------------------------------------------------------------------------------------------
# The ten mails


@pytest.mark.parametrize("locale", LOCALES)
def test_request_new_reaches_every_active_coordinator(ctx, app, client, login, deliver, smtp_server, locale):
    staff, organisation = factories.organisation_user(locale=_other(locale))
    centre = [factories.coordinator(locale=locale), factories.coordinator(locale=locale)]
    factories.coordinator(locale=locale, active=False)
    bystander = factories.available_volunteer(locale=locale)
    login(client, staff)
    response = submit(client, f"/organisation/{organisation.id}/requests/new", _request_form())
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    urgent_day = earliest_appointment(today(), 1)
    urgent = submit(
        client,
        f"/organisation/{organisation.id}/requests/new",
        _request_form(
            day=urgent_day.isoformat(), urgent="y", urgent_reason="Termin kurzfristig", client_reference="K-9"
        ),
    )
    assert urgent.status_code == 302, urgent.get_data(as_text=True)[:3000]
    normal, pressing = db.session.scalars(select(SupportRequest).order_by(SupportRequest.id)).all()
    deliver()

    assert _recipients(smtp_server, "request_new") == {c.email for c in centre}
    assert not smtp_server.to(bystander.email) and not smtp_server.to(staff.email)
    for coordinator in centre:
        messages = {
            path_of_link(m, "/coordinator/requests/"): m for m in smtp_server.messages if m["To"] == coordinator.email
        }
        assert set(messages) == {f"/coordinator/requests/{normal.id}", f"/coordinator/requests/{pressing.id}"}
        reader = _signed_in(app, login, coordinator)
        for record in (normal, pressing):
            message = messages[f"/coordinator/requests/{record.id}"]
            assert f"/coordinator/requests/{record.id}" in _open_links(message, reader)
            _assert_nothing_private(message, "Termin kurzfristig")
        _assert_language(messages[f"/coordinator/requests/{normal.id}"], locale, NEW)
        _assert_language(messages[f"/coordinator/requests/{pressing.id}"], locale, URGENT)


@pytest.mark.parametrize("locale", LOCALES)
def test_offer_made_has_a_link_that_opens_buttons_and_changes_nothing(ctx, app, login, deliver, smtp_server, locale):
    scene = _scene(staff=_other(locale), coordinator=_other(locale), volunteer=locale)
    _offer_by_page(app, login, scene, [scene.volunteer])
    deliver()
    message = _arrived(smtp_server, "offer_made", scene.volunteer)
    assert _recipients(smtp_server, "offer_made") == {scene.volunteer.email}
    offer = db.session.scalar(select(Offer))

    paths = _open_links(message, _signed_in(app, login, scene.volunteer))
    assert "/volunteer/assignments" in paths
    [answer] = [p for p in paths if p.startswith("/offer/")]
    visitor = app.test_client()  # no login: the link works on its own
    page = visitor.get(answer)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert re.search(r'<form method="post"', text)
    assert 'name="answer" value="accept"' in text and 'name="answer" value="decline"' in text
    # Mail scanners open every link: a GET alone changes nothing.
    db.session.expire_all()
    assert db.session.get(Offer, offer.id).state is OfferState.OFFERED
    assert db.session.scalar(select(ActionToken.used_at).where(ActionToken.offer_id == offer.id)) is None
    assert db.session.get(SupportRequest, scene.record.id).state is RequestState.OPEN
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 1

    _assert_nothing_private(message)
    _assert_language(message, locale, OFFER)


@pytest.mark.parametrize("locale", LOCALES)
def test_assignment_confirmed_carries_a_calendar_entry(ctx, app, login, deliver, smtp_server, locale):
    scene = _scene(staff=_other(locale), coordinator=_other(locale), volunteer=locale)
    offer = _accepted(app, login, deliver, smtp_server, scene)
    deliver()
    message = _arrived(smtp_server, "assignment_confirmed", scene.volunteer)
    assert _recipients(smtp_server, "assignment_confirmed") == {scene.volunteer.email}

    record = db.session.get(SupportRequest, scene.record.id)
    _uid, sequence = _assert_entry(message, record, offer, cancelled=False)
    assert sequence == 0
    reader = _signed_in(app, login, scene.volunteer)
    assert "/volunteer/assignments" in _open_links(message, reader)
    assert "Frau Becker" in reader.get("/volunteer/assignments").get_data(as_text=True)  # the contact, in the portal
    _assert_nothing_private(message)
    _assert_language(message, locale, CONFIRMED)


@pytest.mark.parametrize("locale", LOCALES)
def test_request_confirmed_tells_the_organisation(ctx, app, login, deliver, smtp_server, locale):
    scene = _scene(staff=locale, coordinator=_other(locale), volunteer=_other(locale))
    colleague = factories.user(locale=locale)
    db.session.add(Membership(user=colleague, organisation=scene.organisation, is_admin=False))
    db.session.commit()
    _accepted(app, login, deliver, smtp_server, scene)
    deliver()
    message = _arrived(smtp_server, "request_confirmed", scene.staff)
    assert _recipients(smtp_server, "request_confirmed") == {scene.staff.email}

    text = body_text(message)
    assert scene.volunteer.given_name in text and scene.volunteer.family_name not in text
    assert "0561 5550101" in text  # the volunteer said: contact me by phone
    reader = _signed_in(app, login, scene.staff)
    assert f"/organisation/requests/{scene.record.id}" in _open_links(message, reader)
    _assert_nothing_private(message)
    _assert_language(message, locale, REQUEST_CONFIRMED)


@pytest.mark.parametrize("locale", LOCALES)
def test_assignment_changed_keeps_the_uid_and_raises_the_sequence(ctx, app, login, deliver, smtp_server, locale):
    scene = _scene(staff=_other(locale), coordinator=_other(locale), volunteer=locale)
    offer = _accepted(app, login, deliver, smtp_server, scene)
    deliver()
    confirmation = _arrived(smtp_server, "assignment_confirmed", scene.volunteer)
    record = db.session.get(SupportRequest, scene.record.id)
    first_uid, first_sequence = _assert_entry(confirmation, record, offer, cancelled=False)
    old_start = record.starts_at

    coordinator = _signed_in(app, login, scene.coordinator)
    moved = _edit_form(record, start=(old_start + timedelta(hours=1)).astimezone(BERLIN).strftime("%H:%M"))
    response = submit(coordinator, f"/coordinator/requests/{record.id}/edit", moved)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    deliver()
    message = _arrived(smtp_server, "assignment_changed", scene.volunteer)
    assert _recipients(smtp_server, "assignment_changed") == {scene.volunteer.email}

    db.session.expire_all()
    record = db.session.get(SupportRequest, record.id)
    assert record.starts_at == old_start + timedelta(hours=1)
    uid, sequence = _assert_entry(message, record, offer, cancelled=False)
    assert uid == first_uid
    assert sequence > first_sequence
    assert "/volunteer/assignments" in _open_links(message, _signed_in(app, login, scene.volunteer))
    _assert_nothing_private(message)
    _assert_language(message, locale, CHANGED)


@pytest.mark.parametrize("locale", LOCALES)
def test_assignment_cancelled_by_you_cancels_the_calendar_entry(ctx, app, login, deliver, smtp_server, locale):
    scene = _scene(staff=_other(locale), coordinator=_other(locale), volunteer=locale)
    offer = _accepted(app, login, deliver, smtp_server, scene)
    deliver()
    first_uid, first_sequence = _assert_entry(
        _arrived(smtp_server, "assignment_confirmed", scene.volunteer), scene.record, offer, cancelled=False
    )
    _cancel_as_volunteer(app, login, scene, offer)
    deliver()
    message = _arrived(smtp_server, "assignment_cancelled_by_you", scene.volunteer)
    assert _recipients(smtp_server, "assignment_cancelled_by_you") == {scene.volunteer.email}

    db.session.expire_all()
    record = db.session.get(SupportRequest, scene.record.id)
    uid, sequence = _assert_entry(message, record, offer, cancelled=True)
    assert uid == first_uid and sequence > first_sequence
    assert "/volunteer/assignments" in _open_links(message, _signed_in(app, login, scene.volunteer))
    _assert_nothing_private(message)
    _assert_language(message, locale, CANCELLED_BY_YOU)


@pytest.mark.parametrize("locale", LOCALES)
def test_volunteer_cancelled_tells_the_centre_and_the_organisation(ctx, app, login, deliver, smtp_server, locale):
    scene = _scene(staff=locale, coordinator=locale, volunteer=_other(locale))
    offer = _accepted(app, login, deliver, smtp_server, scene)
    _cancel_as_volunteer(app, login, scene, offer)
    deliver()
    assert _recipients(smtp_server, "volunteer_cancelled") == {scene.coordinator.email, scene.staff.email}

    to_centre = _arrived(smtp_server, "volunteer_cancelled", scene.coordinator)
    assert f"/coordinator/requests/{scene.record.id}" in _open_links(
        to_centre, _signed_in(app, login, scene.coordinator)
    )
    to_organisation = _arrived(smtp_server, "volunteer_cancelled", scene.staff)
    assert f"/organisation/requests/{scene.record.id}" in _open_links(
        to_organisation, _signed_in(app, login, scene.staff)
    )
    for message in (to_centre, to_organisation):
        assert scene.volunteer.family_name not in body_text(message)
        _assert_nothing_private(message)
    _assert_language(to_centre, locale, VOLUNTEER_CANCELLED_CENTRE)
    _assert_language(to_organisation, locale, VOLUNTEER_CANCELLED_ORGANISATION)


@pytest.mark.parametrize("locale", LOCALES)
def test_offer_withdrawn_when_filled_and_when_the_request_is_cancelled(ctx, app, login, deliver, smtp_server, locale):
    scene = _scene(staff=_other(locale), coordinator=_other(locale), volunteer=locale)
    second = _volunteer(locale)
    paths = _offer_links(app, login, deliver, smtp_server, scene, [scene.volunteer, second])
    _accept_by_link(app, paths[scene.volunteer.id])  # filled: the second is told
    deliver()
    filled = _arrived(smtp_server, "offer_withdrawn", second)
    assert _calendar_part(filled) is None  # never accepted: nothing to take out of a calendar
    assert "/volunteer/assignments" in _open_links(filled, _signed_in(app, login, second))
    assert app.test_client().get(paths[second.id]).status_code == 410  # its link no longer works
    offer = db.session.scalar(select(Offer).where(Offer.profile_id == scene.volunteer.profile.id))
    confirmation = _arrived(smtp_server, "assignment_confirmed", scene.volunteer)
    first_uid, first_sequence = _assert_entry(confirmation, scene.record, offer, cancelled=False)

    staff = _signed_in(app, login, scene.staff)
    reason = "Klient ist nach Hamburg umgezogen"
    response = submit(
        staff,
        f"/organisation/requests/{scene.record.id}/cancel",
        {"reason": reason},
        page=f"/organisation/requests/{scene.record.id}",
    )
    assert response.status_code == 302
    deliver()
    assert _recipients(smtp_server, "offer_withdrawn") == {scene.volunteer.email, second.email}
    cancelled = _arrived(smtp_server, "offer_withdrawn", scene.volunteer)
    db.session.expire_all()
    record = db.session.get(SupportRequest, scene.record.id)
    assert record.state is RequestState.CANCELLED
    uid, sequence = _assert_entry(cancelled, record, offer, cancelled=True)
    assert uid == first_uid and sequence > first_sequence
    assert "/volunteer/assignments" in _open_links(cancelled, _signed_in(app, login, scene.volunteer))
    _assert_nothing_private(filled)
    _assert_nothing_private(cancelled, reason)  # told that it is cancelled, not why
    _assert_language(filled, locale, WITHDRAWN_ASKED)
    _assert_language(cancelled, locale, WITHDRAWN_ACCEPTED)


@pytest.mark.parametrize("locale", LOCALES)
def test_request_unmatched_on_its_day(ctx, app, login, deliver, smtp_server, locale):
    scene = _scene(staff=locale, coordinator=locale, volunteer=_other(locale))
    _offer_links(app, login, deliver, smtp_server, scene, [scene.volunteer])  # asked, never answered
    assert offers.mark_unmatched(scene.record.starts_at) == 1
    db.session.commit()
    deliver()
    assert _recipients(smtp_server, "request_unmatched") == {scene.coordinator.email, scene.staff.email}

    to_centre = _arrived(smtp_server, "request_unmatched", scene.coordinator)
    assert f"/coordinator/requests/{scene.record.id}" in _open_links(
        to_centre, _signed_in(app, login, scene.coordinator)
    )
    to_organisation = _arrived(smtp_server, "request_unmatched", scene.staff)
    assert f"/organisation/requests/{scene.record.id}" in _open_links(
        to_organisation, _signed_in(app, login, scene.staff)
    )
    for message in (to_centre, to_organisation):
        _assert_nothing_private(message)
    _assert_language(to_centre, locale, UNMATCHED_CENTRE)
    _assert_language(to_organisation, locale, UNMATCHED_ORGANISATION)


@pytest.mark.parametrize("locale", LOCALES)
def test_assignment_reminder_the_day_before(ctx, app, login, deliver, smtp_server, locale):
    scene = _scene(staff=_other(locale), coordinator=_other(locale), volunteer=locale)
    _accepted(app, login, deliver, smtp_server, scene)
    eve = _berlin_day(scene.record) - timedelta(days=1)
    assert offers.remind_day_before(eve - timedelta(days=1)) == 0
    assert offers.remind_day_before(eve) == 1
    db.session.commit()
    deliver()
    message = _arrived(smtp_server, "assignment_reminder", scene.volunteer)
    assert _recipients(smtp_server, "assignment_reminder") == {scene.volunteer.email}
    assert "/volunteer/assignments" in _open_links(message, _signed_in(app, login, scene.volunteer))
    _assert_nothing_private(message)
    _assert_language(message, locale, REMINDER)
