"""A request from submission to a confirmed volunteer, through the pages people use."""

from __future__ import annotations

from icalendar import Calendar
from sqlalchemy import select

from tests import factories
from tests.conftest import submit
from tests.mailbox import path_of_link
from tests.smtp import body_text
from volunteers.extensions import db
from volunteers.models import Offer, RequestEvent, SupportRequest
from volunteers.models.enums import LanguageLevel, OfferState, RequestState


def _form(**changes):
    return factories.request_form(**changes)


def test_an_organisation_submits_and_a_coordinator_sees_ranked_candidates(
    ctx, client, other_client, login, deliver, smtp_server
):
    staff, organisation = factories.organisation_user()
    coordinator = factories.coordinator(locale="en")
    near = factories.available_volunteer(languages={"tir": LanguageLevel.NATIVE}, place_name="Kassel")
    far = factories.available_volunteer(languages={"tir": LanguageLevel.C1}, place_name="Hofgeismar")
    factories.available_volunteer(languages={"ara": LanguageLevel.NATIVE})
    login(client, staff)
    response = submit(client, f"/organisation/{organisation.id}/requests/new", _form())
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    record = db.session.scalar(select(SupportRequest))
    assert record.state is RequestState.OPEN and record.client_reference == "K-2026-017"
    deliver()
    [notice] = smtp_server.to(coordinator.email)
    assert "K-2026-017" not in body_text(notice) and "authorit" not in body_text(notice).lower()

    login(other_client, coordinator)
    page = other_client.get(f"/coordinator/requests/{record.id}").get_data(as_text=True)
    assert page.index(near.full_name) < page.index(far.full_name)
    assert "km" in page and "assignments in 90 days" in page


def test_offer_accept_by_link_and_everyone_told(ctx, app, client, login, deliver, smtp_server):
    staff, organisation = factories.organisation_user(locale="en")
    coordinator = factories.coordinator()
    first = factories.available_volunteer(locale="en", place_name="Kassel")
    second = factories.available_volunteer(locale="de", place_name="Baunatal")
    record = factories.support_request(organisation, created_by_id=staff.id)
    login(client, coordinator)
    response = submit(
        client,
        f"/coordinator/requests/{record.id}/offers",
        {"profile_ids": [str(first.profile.id), str(second.profile.id)]},
        page=f"/coordinator/requests/{record.id}",
    )
    assert response.status_code == 302
    deliver()
    [offer_mail] = smtp_server.to(first.email)
    link = path_of_link(offer_mail, "/offer/")
    text = body_text(offer_mail)
    assert "K-2026-017" not in text and "Authorities" not in text
    assert "Kassel" in text

    visitor = app.test_client()
    assert visitor.get(link).status_code == 200
    db.session.expire_all()
    assert db.session.scalar(select(Offer.state).where(Offer.profile_id == first.profile.id)) is OfferState.OFFERED
    accepted = submit(visitor, link, {"answer": "accept"})
    assert accepted.status_code == 200
    db.session.expire_all()
    record = db.session.get(SupportRequest, record.id)
    assert record.state is RequestState.FILLED and record.places_filled == 1
    states = {o.profile_id: o.state for o in record.offers}
    assert states == {first.profile.id: OfferState.ACCEPTED, second.profile.id: OfferState.WITHDRAWN}
    assert submit(visitor, link, {"answer": "decline"}).status_code == 409  # the link works once

    smtp_server.clear()
    deliver()
    [confirmation] = smtp_server.to(first.email)
    attachment = next(part for part in confirmation.iter_attachments() if part.get_content_type() == "text/calendar")
    calendar = Calendar.from_ical(attachment.get_content())
    [event] = calendar.walk("VEVENT")
    assert str(event["uid"]).startswith(f"offer-{record.offers[0].id}@")
    assert event.decoded("dtstart") == record.starts_at
    assert "K-2026-017" not in attachment.get_content()
    [filled] = smtp_server.to(second.email)
    assert "übernommen" in body_text(filled)  # German: others have taken this request
    [organisation_mail] = smtp_server.to(staff.email)
    assert first.given_name in body_text(organisation_mail) and first.family_name not in body_text(organisation_mail)
    events = db.session.scalars(select(RequestEvent).where(RequestEvent.request_id == record.id)).all()
    assert ("offered", "accepted") in {(e.from_state, e.to_state) for e in events}


def test_the_candidates_say_when_everyone_has_been_asked(ctx, client, login):
    staff, organisation = factories.organisation_user()
    coordinator = factories.coordinator(locale="en")
    only = factories.available_volunteer(place_name="Kassel")
    record = factories.support_request(organisation, created_by_id=staff.id)
    login(client, coordinator)
    page = f"/coordinator/requests/{record.id}"
    assert f'value="{only.profile.id}"' in client.get(page).get_data(as_text=True)
    assert submit(client, f"{page}/offers", {"profile_ids": [str(only.profile.id)]}, page=page).status_code == 302
    text = client.get(page).get_data(as_text=True)
    assert "The one volunteer who passes every rule has already been asked." in text
    assert "Nobody passes every rule" not in text


def test_dates_far_away_are_an_error_at_the_field_not_a_crash(ctx, client, login):
    staff, organisation = factories.organisation_user(locale="en")
    login(client, staff)
    url = f"/organisation/{organisation.id}/requests/new"
    cases = [
        ({"day": "0001-01-01", "start": "00:30", "urgent": "y", "urgent_reason": "x"}, "day", "in the future"),
        ({"alternative_day": "0001-01-01", "alternative_start": "00:30"}, "alternative_day", "in the future"),
        ({"day": "9999-12-31", "start": "20:00"}, "day", "up to"),
    ]
    for changes, field, words in cases:
        response = submit(client, url, _form(**changes))
        assert response.status_code == 400, changes
        page = response.get_data(as_text=True)
        assert f'id="{field}-error"' in page and words in page, changes
    assert db.session.scalar(select(SupportRequest)) is None


def test_an_offer_link_post_without_an_answer_changes_nothing(ctx, app, deliver, smtp_server):
    from volunteers.services import offers

    _, organisation = factories.organisation_user()
    coordinator = factories.coordinator()
    person = factories.available_volunteer(locale="en")
    record = factories.support_request(organisation)
    offers.make_offers(coordinator, record, [person.profile.id])
    db.session.commit()
    deliver()
    link = path_of_link(smtp_server.to(person.email)[0], "/offer/")
    visitor = app.test_client()
    response = submit(visitor, link, {"answer": "maybe"}, headers={"Accept-Language": "en"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "one of the two buttons" in page and 'value="accept"' in page
    db.session.expire_all()
    assert db.session.scalar(select(Offer.state)) is OfferState.OFFERED


def test_volunteers_never_see_why_a_request_is_urgent(ctx, client, login):
    from volunteers.services import offers

    _, organisation = factories.organisation_user()
    coordinator = factories.coordinator()
    person = factories.available_volunteer(locale="en")
    record = factories.support_request(organisation, urgent=True, urgent_reason="Befund muss besprochen werden")
    offers.make_offers(coordinator, record, [person.profile.id])
    db.session.commit()
    login(client, person)
    page = client.get("/volunteer/assignments").get_data(as_text=True)
    assert "Urgent" in page and "Befund" not in page
