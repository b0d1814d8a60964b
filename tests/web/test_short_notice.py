"""A confirmed volunteer who cancels says why (on the second step, an error at the field
otherwise). Less than SHORT_NOTICE_HOURS before the appointment it is a cancellation at short
notice: the coordinators hear at once by a mail marked so, the overview, the board and the week
show the request as such, and its page lists the next candidates above the offers. The same when
a coordinator records the cancellation the volunteer gave by phone."""

from __future__ import annotations

import re
from datetime import time, timedelta

from sqlalchemy import func, select

from tests import factories
from tests.conftest import submit
from tests.pages import visible_text
from tests.smtp import body_html, body_text
from volunteers.clock import today, utc_at
from volunteers.extensions import db
from volunteers.models import Offer, OutboxMessage, SupportRequest
from volunteers.models.enums import OfferState, RequestState
from volunteers.services import offers

ENGLISH = {"Accept-Language": "en"}


def _scene(days_ahead: int = 1, reference: str = "K-SHORT-1", locale: str = "en"):
    """A request at 10:00 in `days_ahead` days with Amina confirmed, and Dawit, who could go;
    two coordinators, one reading English, one German."""
    staff, organisation = factories.organisation_user(locale="en")
    centre = [factories.coordinator(locale="en"), factories.coordinator(locale="de")]
    amina = factories.available_volunteer(given_name="Amina", family_name="Haddad", place_name="Kassel", locale=locale)
    dawit = factories.available_volunteer(given_name="Dawit", family_name="Tesfaye", place_name="Kassel")
    record = factories.support_request(
        organisation,
        client_reference=reference,
        created_by_id=staff.id,
        starts_at=utc_at(today() + timedelta(days=days_ahead), time(10)),
    )
    [offer] = offers.make_offers(centre[0], record, [amina.profile.id])
    db.session.commit()
    offers.answer_in_portal(amina, offer, accept=True)
    db.session.commit()
    return centre, amina, dawit, record, offer


def _mails(event: str) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.event == event))


def _offer_state(offer_id: int) -> OfferState:
    db.session.expire_all()
    return db.session.get(Offer, offer_id).state


def test_a_volunteer_who_cancels_must_say_why_and_keeps_what_they_typed(ctx, client, login):
    _centre, amina, _dawit, _record, offer = _scene(days_ahead=14)
    login(client, amina)
    link = f"/volunteer/offers/{offer.id}/cancel"
    page = client.get(link).get_data(as_text=True)
    assert re.search(r'<textarea[^>]*name="reason"[^>]*required', page)
    assert "(optional)" not in visible_text(page[page.index("<main") :])

    for empty in ("", "   "):
        refused = submit(client, link, {"reason": empty})
        assert refused.status_code == 400
        html = refused.get_data(as_text=True)
        assert re.search(r'id="reason-error"[^>]*>.*Say why you cannot come: only the centre reads it\.', html)
        assert 'aria-invalid="true"' in html
    too_long = "I have a fever and cannot travel. " * 70
    refused = submit(client, link, {"reason": too_long})
    assert refused.status_code == 400
    assert too_long.strip() in refused.get_data(as_text=True)  # nothing typed is lost
    assert _offer_state(offer.id) is OfferState.ACCEPTED
    assert _mails("volunteer_cancelled") == 0

    done = submit(client, link, {"reason": "I have the flu."})
    assert done.status_code == 302
    assert _offer_state(offer.id) is OfferState.CANCELLED_BY_VOLUNTEER


def test_the_reason_is_asked_for_in_german_too(ctx, client, login):
    _centre, amina, _dawit, _record, offer = _scene(days_ahead=14, locale="de")
    login(client, amina)
    refused = submit(client, f"/volunteer/offers/{offer.id}/cancel", {"reason": ""})
    assert refused.status_code == 400
    assert "Bitte sagen Sie, warum Sie nicht kommen können" in visible_text(refused.get_data(as_text=True))


def test_cancelling_at_short_notice_alerts_the_coordinators_and_puts_the_candidates_first(
    ctx, app, client, login, deliver, smtp_server
):
    centre, amina, dawit, record, offer = _scene(days_ahead=1)
    login(client, amina)
    link = f"/volunteer/offers/{offer.id}/cancel"
    confirmation = visible_text(client.get(link, headers=ENGLISH).get_data(as_text=True))
    assert "The appointment begins in less than 48 hours" in confirmation
    assert "by mail at once, marked as short notice" in confirmation
    assert submit(client, link, {"reason": "My child is ill."}).status_code == 302

    deliver()
    english, german = (smtp_server.to(person.email) for person in centre)
    assert len(english) == 1 and len(german) == 1
    assert english[0]["Subject"].startswith("Short notice: a volunteer has cancelled for ")
    assert german[0]["Subject"].startswith("Kurzfristige Absage für den Einsatz am ")
    assert "less than 48 hours before it begins" in body_text(english[0])
    assert "weniger als 48 Stunden" in body_text(german[0]) and "weniger als 48 Stunden" in body_html(german[0])
    for message in (*english, *german):
        assert "ill" not in body_text(message) and "K-SHORT-1" not in body_text(message)
        assert f"/coordinator/requests/{record.id}" in body_text(message)

    desk = app.test_client()
    login(desk, centre[0])
    page = desk.get(f"/coordinator/requests/{record.id}").get_data(as_text=True)
    text = visible_text(page)
    assert "Amina Haddad cancelled at short notice; the next candidates are listed first." in text
    assert page.index('id="candidates"') < page.index('id="offers"')
    candidates = page[page.index('id="candidates"') : page.index('id="offers"')]
    assert "Dawit Tesfaye" in candidates
    assert "Cancelled at short notice by the volunteer: Amina Haddad" in text
    assert "Reason: My child is ill." in text

    board = desk.get("/coordinator/requests").get_data(as_text=True)
    row = next(row for row in board.split("<tr") if f'href="/coordinator/requests/{record.id}"' in row)
    assert 'class="row--alert"' in row and "cancelled at short notice" in row
    overview = desk.get("/coordinator/").get_data(as_text=True)
    item = re.search(r'<li class="queue-item queue-item--pressing"><a href="([^"]+)">([^<]+)</a>(.*?)</li>', overview)
    assert item.group(2).strip() == "1 request to fill again: a volunteer cancelled at short notice"
    assert visible_text(item.group(3)).strip() == "do today"  # a tag of its own, not a word of the sentence
    filtered = desk.get(item.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert "K-SHORT-1" in filtered
    assert "Showing only requests to fill again after a volunteer cancelled at short notice." in visible_text(filtered)
    week = desk.get(f"/coordinator/week?week={(today() + timedelta(days=1)).isoformat()}").get_data(as_text=True)
    assert "cancelled at short notice" in week[week.index("K-SHORT-1") :]

    # Once someone else has the place, the request is no longer marked.
    [again] = offers.make_offers(centre[0], db.session.get(SupportRequest, record.id), [dawit.profile.id])
    db.session.commit()
    offers.answer_in_portal(dawit, again, accept=True)
    db.session.commit()
    page = desk.get(f"/coordinator/requests/{record.id}").get_data(as_text=True)
    assert "cancelled at short notice; the next candidates" not in page
    assert "cancelled at short notice" not in desk.get("/coordinator/requests?tab=filled").get_data(as_text=True)
    assert "volunteer cancelled at short notice" not in desk.get("/coordinator/").get_data(as_text=True)


def test_a_cancellation_with_time_to_spare_is_no_alarm(ctx, app, client, login, deliver, smtp_server):
    centre, amina, _dawit, record, offer = _scene(days_ahead=3)  # 10:00 in three days: more than 48 hours
    login(client, amina)
    link = f"/volunteer/offers/{offer.id}/cancel"
    assert "less than 48 hours" not in visible_text(client.get(link, headers=ENGLISH).get_data(as_text=True))
    assert submit(client, link, {"reason": "A job interview that day."}).status_code == 302
    deliver()
    [message] = smtp_server.to(centre[0].email)
    assert message["Subject"] == "A volunteer has cancelled: a place is free again"
    desk = app.test_client()
    login(desk, centre[0])
    page = desk.get(f"/coordinator/requests/{record.id}").get_data(as_text=True)
    assert page.index('id="offers"') < page.index('id="candidates"')
    assert "at short notice" not in page
    assert "cancelled at short notice" not in desk.get("/coordinator/requests").get_data(as_text=True)


def test_the_short_notice_hours_are_a_setting(ctx, app, client, login, monkeypatch):
    monkeypatch.setitem(app.config, "SHORT_NOTICE_HOURS", 100)
    centre, amina, _dawit, _record, offer = _scene(days_ahead=3)
    login(client, amina)
    assert submit(client, f"/volunteer/offers/{offer.id}/cancel", {"reason": "Moved away."}).status_code == 302
    db.session.expire_all()
    subjects = db.session.scalars(
        select(OutboxMessage.subject).where(
            OutboxMessage.event == "volunteer_cancelled", OutboxMessage.recipient == centre[0].email
        )
    ).all()
    assert [subject.split(" for ")[0] for subject in subjects] == ["Short notice: a volunteer has cancelled"]


def test_a_coordinator_records_a_cancellation_by_phone_with_its_reason_and_the_same_alert(
    ctx, app, client, login, deliver, smtp_server
):
    centre, _amina, _dawit, record, offer = _scene(days_ahead=1)
    login(client, centre[1])
    link = f"/coordinator/offers/{offer.id}/cancel"
    asked = visible_text(client.get(link).get_data(as_text=True))  # in German, the coordinator's language
    assert "sofort per E-Mail, als kurzfristig gekennzeichnet" in asked
    assert "Die Anfrage wird als kurzfristig abgesagt markiert" in asked
    refused = submit(client, link, {"reason": " "})
    assert refused.status_code == 400
    assert "Schreiben Sie auf, warum die ehrenamtliche Person nicht kommen kann" in visible_text(
        refused.get_data(as_text=True)
    )
    assert _offer_state(offer.id) is OfferState.ACCEPTED
    assert submit(client, link, {"reason": "Called at 7: her car broke down."}).status_code == 302
    assert _offer_state(offer.id) is OfferState.CANCELLED_BY_VOLUNTEER
    db.session.expire_all()
    assert db.session.get(SupportRequest, record.id).state is RequestState.OPEN
    deliver()
    for person in centre:
        [message] = smtp_server.to(person.email)
        assert message["Subject"].startswith(("Short notice:", "Kurzfristige Absage für"))
    page = visible_text(client.get(f"/coordinator/requests/{record.id}").get_data(as_text=True))
    assert "Amina Haddad hat kurzfristig abgesagt" in page
    assert "Anruf" in page or "Telefon" in page  # recorded by phone, as the history says
