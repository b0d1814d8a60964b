"""An offer the volunteer can no longer accept says what to do about it; the demo's open offer
can be accepted."""

from __future__ import annotations

from sqlalchemy import select

from tests import factories
from tests.conftest import submit
from tests.mailbox import path_of_link
from tests.pages import visible_text
from volunteers.demo import DEMO_PASSWORD, seed_demo
from volunteers.extensions import db
from volunteers.models import AvailabilitySlot, Exclusion, Offer, User
from volunteers.models.enums import OfferState
from volunteers.services import offers


def test_the_demo_offer_jean_is_asked_to_answer_can_be_accepted(app, ctx, client, login):
    seed_demo()
    db.session.commit()
    jean = db.session.scalar(select(User).where(User.email == "jean.mukendi@wir-vielfalt.example"))
    [offer] = db.session.scalars(
        select(Offer).where(Offer.profile_id == jean.profile.id, Offer.state == OfferState.OFFERED)
    ).all()
    login(client, jean, DEMO_PASSWORD)
    response = submit(client, f"/volunteer/offers/{offer.id}/accept", page="/volunteer/assignments")
    assert response.status_code == 302
    page = visible_text(client.get("/volunteer/assignments").get_data(as_text=True))
    assert "Der Einsatz ist bestätigt" in page
    db.session.expire_all()
    assert db.session.get(Offer, offer.id).state is OfferState.ACCEPTED


def _offered(deliver, smtp_server):
    staff, organisation = factories.organisation_user()
    coordinator = factories.coordinator()
    person = factories.available_volunteer(place_name="Kassel", locale="en")
    record = factories.support_request(organisation, created_by_id=staff.id)
    [offer] = offers.make_offers(coordinator, record, [person.profile.id])
    db.session.commit()
    deliver()
    [mail] = smtp_server.to(person.email)
    return person, offer, path_of_link(mail, "/offer/")


def _no_availability(person) -> None:
    for slot in db.session.scalars(select(AvailabilitySlot).where(AvailabilitySlot.profile_id == person.profile.id)):
        db.session.delete(slot)
    db.session.commit()


def test_a_refusal_for_availability_links_to_the_availability_page(app, ctx, client, login, deliver, smtp_server):
    person, offer, _link = _offered(deliver, smtp_server)
    _no_availability(person)
    login(client, person)
    submit(client, f"/volunteer/offers/{offer.id}/accept", page="/volunteer/assignments")
    page = client.get("/volunteer/assignments").get_data(as_text=True)
    assert "weekly availability or an absence does not cover that time" in page
    assert 'href="/volunteer/availability"' in page
    assert "then accept again" in visible_text(page)


def test_a_refusal_by_mail_link_links_to_the_availability_page(app, ctx, client, deliver, smtp_server):
    person, _offer, link = _offered(deliver, smtp_server)
    _no_availability(person)
    response = submit(client, link, {"answer": "accept"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Laut wöchentlicher Verfügbarkeit" in page
    assert 'href="/volunteer/availability"' in page


def test_a_refusal_the_volunteer_cannot_fix_names_the_centres_phone(app, ctx, client, login, deliver, smtp_server):
    person, offer, _link = _offered(deliver, smtp_server)
    db.session.add(Exclusion(profile_id=person.profile.id, organisation_id=offer.request.organisation_id, reason="x"))
    db.session.commit()
    app.config["CONTACT_PHONE"] = "0561 1003-1234"
    try:
        login(client, person)
        submit(client, f"/volunteer/offers/{offer.id}/accept", page="/volunteer/assignments")
        page = visible_text(client.get("/volunteer/assignments").get_data(as_text=True))
    finally:
        app.config["CONTACT_PHONE"] = ""
    assert "Please call the centre: 0561 1003-1234." in page
