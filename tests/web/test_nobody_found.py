"""Before the appointment, a coordinator tells the organisation that nobody was found: asked
first, with an optional message (length-limited, no personal data); the request becomes
`unmatched` at once, offers still waiting are withdrawn with their mails, confirmed volunteers
of a partly filled request keep their place, the organisation gets a mail at the real SMTP
server, and the history keeps the message. A second submit or a stale page gets a clear message."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from tests import factories
from tests.conftest import form_tokens, submit
from tests.mailbox import path_of_link
from tests.pages import visible_text
from tests.smtp import body_html, body_text
from volunteers.clock import local
from volunteers.db_types import utcnow
from volunteers.extensions import db
from volunteers.models import Offer, OutboxMessage, RequestEvent, SupportRequest
from volunteers.models.enums import Actor, OfferState, RequestState

ENGLISH = {"Accept-Language": "en"}
MESSAGE = "Please ask the city's pool (Trans-It): they have a Tigrinya interpreter on Tuesdays."


def _outbox() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(OutboxMessage.id)))


def _request(places: int = 1, staff_locale: str = "en", **values):
    from volunteers.services import offers

    staff, organisation = factories.organisation_user(locale=staff_locale)
    coordinator = factories.coordinator(locale="en")
    asked = [factories.available_volunteer(locale="en", place_name="Kassel") for _ in range(2)]
    record = factories.support_request(
        organisation,
        created_by_id=staff.id,
        places_needed=places,
        client_reference="K-NOBODY",
        starts_at=factories.next_weekday(1, 9, weeks=2),
        **values,
    )
    made = offers.make_offers(coordinator, record, [person.profile.id for person in asked])
    db.session.commit()
    return staff, coordinator, asked, record, made


def _state(record_id: int) -> RequestState:
    db.session.expire_all()
    return db.session.get(SupportRequest, record_id).state


def test_the_organisation_is_told_before_the_appointment_that_nobody_was_found(
    ctx, app, client, login, deliver, smtp_server
):
    staff, coordinator, asked, record, made = _request()
    login(client, coordinator)
    page = client.get(f"/coordinator/requests/{record.id}", headers=ENGLISH).get_data(as_text=True)
    link = f"/coordinator/requests/{record.id}/nobody-found"
    button = rf'<a class="button button--danger-outline" href="{link}">Nobody found: tell the organisation'
    assert re.search(button, page)

    mails = _outbox()
    asking = client.get(link, headers=ENGLISH)
    assert asking.status_code == 200
    text = visible_text(asking.get_data(as_text=True))
    for sentence in (
        "Tell the organisation that nobody was found for K-NOBODY?",
        "The request becomes “unmatched” now",
        "The 2 offers still waiting for an answer are withdrawn.",
        "The organisation, by mail, with your message and how to reach the centre.",
        "The 2 volunteers asked, by mail: the offer is withdrawn.",
        "Message to the organisation",
        "Write no names and no health details.",
        "0 of 1 places filled",
    ):
        assert sentence in text, sentence
    assert "(optional)" in text
    assert _state(record.id) is RequestState.OPEN and _outbox() == mails  # asking changes nothing

    too_long = "x" * 1001
    refused = submit(client, link, {"reason": too_long}, headers=ENGLISH)
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    assert re.search(r'id="reason-error"[^>]*>.*Use at most 1000 characters\.', html)
    assert too_long in html
    assert _state(record.id) is RequestState.OPEN and _outbox() == mails

    sent = {**form_tokens(client, link), "reason": MESSAGE}  # the form as the browser holds it
    done = client.post(link, data=sent, headers=ENGLISH)
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/coordinator/requests/{record.id}")
    flashed = visible_text(client.get(done.headers["Location"], headers=ENGLISH).get_data(as_text=True))
    assert "The organisation has been told that nobody was found. The 2 volunteers asked have been told." in flashed
    assert _state(record.id) is RequestState.UNMATCHED
    assert {db.session.get(Offer, offer.id).state for offer in made} == {OfferState.WITHDRAWN}
    event = db.session.scalar(
        select(RequestEvent).where(RequestEvent.request_id == record.id, RequestEvent.to_state == "unmatched")
    )
    assert event.actor_role is Actor.COORDINATOR and event.actor_id == coordinator.id and event.reason == MESSAGE
    assert "Request: Unmatched" in flashed and f"Reason: {MESSAGE}" in flashed
    assert "Nobody found: tell the organisation" not in flashed and "Cancel the request" not in flashed

    deliver()
    [mail] = smtp_server.to(staff.email)
    assert mail["Subject"].startswith("No volunteer found for your appointment on ")
    for body in (body_text(mail), body_html(mail).replace("&#39;", "'")):
        assert MESSAGE in body
        assert "Nobody from the centre will come to it." in body
        assert app.config["CONTACT_EMAIL"] in body
    assert "Tigrinya" in body_text(mail) and "K-NOBODY" not in body_text(mail)  # what, never the reference
    portal = path_of_link(mail, "/organisation/requests/")
    organisation_client = app.test_client()
    login(organisation_client, staff)
    seen = visible_text(organisation_client.get(portal, headers=ENGLISH).get_data(as_text=True))
    assert "The centre could not find a volunteer for this appointment." in seen and MESSAGE in seen
    for person in asked:  # first asked, now told that the offer is withdrawn
        subjects = [message["Subject"] for message in smtp_server.to(person.email)]
        assert subjects == ["Can you help? A request for you", "An offer to you has been withdrawn"]
    assert smtp_server.to(coordinator.email) == []

    again = client.post(link, data=sent, headers=ENGLISH)  # sent again: the back button, a double click
    assert again.status_code == 302
    message = visible_text(client.get(again.headers["Location"], headers=ENGLISH).get_data(as_text=True))
    assert "This is no longer possible: it is now “Unmatched”." in message
    assert _outbox() == len(smtp_server.messages)  # nothing more queued
    board = client.get("/coordinator/requests?tab=unmatched").get_data(as_text=True)
    assert "K-NOBODY" in board


def test_confirmed_volunteers_of_a_partly_filled_request_keep_their_place(
    ctx, app, client, login, deliver, smtp_server
):
    from volunteers.services import offers

    staff, coordinator, asked, record, made = _request(places=2, staff_locale="de")
    offers.answer_in_portal(asked[0], made[0], accept=True)
    db.session.commit()
    assert _state(record.id) is RequestState.PARTLY_FILLED
    login(client, coordinator)
    link = f"/coordinator/requests/{record.id}/nobody-found"
    text = visible_text(client.get(link, headers=ENGLISH).get_data(as_text=True))
    assert "The volunteer already confirmed keeps the place and still comes." in text
    assert "1 of 2 places filled" in text
    smtp_server.clear()
    deliver()
    smtp_server.clear()
    assert submit(client, link, {"reason": ""}).status_code == 302  # the message is optional
    db.session.expire_all()
    assert _state(record.id) is RequestState.UNMATCHED
    assert db.session.get(Offer, made[0].id).state is OfferState.ACCEPTED
    assert db.session.get(Offer, made[1].id).state is OfferState.WITHDRAWN
    assert db.session.get(SupportRequest, record.id).places_filled == 1
    deliver()
    [mail] = smtp_server.to(staff.email)
    assert mail["Subject"].startswith("Keine ehrenamtliche Person gefunden für Ihren Termin am ")
    assert "Die bereits bestätigte ehrenamtliche Person kommt weiterhin" in body_text(mail)
    assert "Eine Nachricht des Zentrums" not in body_text(mail)
    assert smtp_server.to(asked[0].email) == []  # the confirmed volunteer's assignment is unchanged
    day = local(db.session.get(SupportRequest, record.id).starts_at).date().isoformat()
    week = client.get(f"/coordinator/week?week={day}").get_data(as_text=True)
    assert "K-NOBODY" in week and asked[0].full_name in week


def test_it_is_offered_only_while_places_are_free_before_the_appointment(ctx, app, client, login):
    from volunteers.services import offers

    _staff, coordinator, asked, record, made = _request()
    login(client, coordinator)
    link = f"/coordinator/requests/{record.id}/nobody-found"
    page = client.get(link, headers=ENGLISH).get_data(as_text=True)  # the page is open in a tab ...
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    offers.answer_in_portal(asked[0], made[0], accept=True)  # ... when the place is taken
    db.session.commit()
    stale = client.post(link, data={"csrf_token": token, "reason": MESSAGE}, headers=ENGLISH)
    assert stale.status_code == 302
    said = visible_text(client.get(stale.headers["Location"], headers=ENGLISH).get_data(as_text=True))
    assert "This is no longer possible: it is now “Filled”." in said
    assert _state(record.id) is RequestState.FILLED
    assert "Nobody found: tell the organisation" not in said

    begun = factories.support_request(
        record.organisation, client_reference="K-BEGUN", starts_at=utcnow() - timedelta(minutes=10)
    )
    page = visible_text(client.get(f"/coordinator/requests/{begun.id}", headers=ENGLISH).get_data(as_text=True))
    assert "Nobody found: tell the organisation" not in page
    refused = client.get(f"/coordinator/requests/{begun.id}/nobody-found", headers=ENGLISH)
    assert refused.status_code == 302
    said = visible_text(client.get(refused.headers["Location"], headers=ENGLISH).get_data(as_text=True))
    assert "The appointment has begun: the request becomes “unmatched” by itself" in said
    assert _state(begun.id) is RequestState.OPEN

    assert client.get("/coordinator/requests/999999/nobody-found").status_code == 404
    volunteer = app.test_client()
    login(volunteer, asked[1])
    assert volunteer.get(f"/coordinator/requests/{begun.id}/nobody-found").status_code in (403, 404)
