"""Who did what, and how: every move of a request or an offer records its actor's role and the
channel (in the portal, by the mail link, by phone recorded by a coordinator, by the scheduled
job), and the offers table and both request pages show it. Organisations see a role, never a
volunteer's or a coordinator's name, in the history."""

from __future__ import annotations

import re
from datetime import timedelta

from tests import factories
from tests.conftest import submit
from tests.mailbox import path_of_link
from volunteers.db_types import utcnow
from volunteers.extensions import db
from volunteers.models import Offer, RequestEvent
from volunteers.models.enums import Actor, Channel, OfferState
from volunteers.services import offers

ENGLISH = {"Accept-Language": "en"}


def _text(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def _offers_row(page: str, name: str) -> str:
    table = page.split('id="offers"', 1)[1].split("</table>", 1)[0]
    rows = [row for row in table.split("<tr") if name in row]
    assert len(rows) == 1, name
    return _text(rows[0])


def _history(page: str) -> list[str]:
    table = page.split('id="history-title"', 1)[1].split("</table>", 1)[0]
    return [_text(row).strip() for row in table.split("<tr")[2:]]


def _setup(deliver, smtp_server):
    staff, organisation = factories.organisation_user(locale="en")
    coordinator = factories.coordinator(locale="en", given_name="Jonas", family_name="Becker")
    person = factories.available_volunteer(locale="en", place_name="Kassel", given_name="Amina", family_name="Haddad")
    record = factories.support_request(
        organisation, created_by_id=staff.id, starts_at=factories.next_weekday(1, 9, weeks=2)
    )
    [offer] = offers.make_offers(coordinator, record, [person.profile.id])
    db.session.commit()
    deliver()
    [mail] = smtp_server.to(person.email)
    return staff, coordinator, person, record, offer, path_of_link(mail, "/offer/")


def test_an_answer_by_mail_link_and_a_cancellation_in_the_portal_show_who_and_how(
    ctx, app, client, other_client, login, deliver, smtp_server
):
    staff, coordinator, person, record, offer, link = _setup(deliver, smtp_server)
    assert submit(app.test_client(), link, {"answer": "accept"}).status_code == 200

    login(client, coordinator)
    page = client.get(f"/coordinator/requests/{record.id}", headers=ENGLISH).get_data(as_text=True)
    assert "Amina Haddad (volunteer), by the link in the mail" in _offers_row(page, "Amina Haddad")
    accepted = next(row for row in _history(page) if "Accepted:" in row)
    assert "Amina Haddad (volunteer), by the link in the mail" in accepted
    assert not any(row.endswith("System") or " system" in row for row in _history(page))

    login(other_client, person)
    cancel = f"/volunteer/offers/{offer.id}/cancel"
    assert submit(other_client, cancel, {"reason": "A fever"}, page="/volunteer/assignments").status_code == 302

    page = client.get(f"/coordinator/requests/{record.id}", headers=ENGLISH).get_data(as_text=True)
    row = _offers_row(page, "Amina Haddad")
    assert "Cancelled by the volunteer" in row and "Amina Haddad (volunteer), in the portal" in row
    assert "by the link in the mail" not in row
    cancelled = next(row for row in _history(page) if "Cancelled by the volunteer:" in row)
    assert "Amina Haddad (volunteer), in the portal" in cancelled

    organisation_client = app.test_client()
    login(organisation_client, staff)
    page = organisation_client.get(f"/organisation/requests/{record.id}", headers=ENGLISH).get_data(as_text=True)
    history = _history(page)
    assert any("Accepted: a volunteer" in row and "The volunteer, by the link in the mail" in row for row in history)
    assert any("Cancelled by the volunteer" in row and "The volunteer, in the portal" in row for row in history)
    assert "Amina" not in page.split('id="history-title"', 1)[1]
    assert "Jonas" not in page


def test_an_answer_recorded_by_phone_names_the_coordinator_for_the_centre_only(
    ctx, client, other_client, login, deliver, smtp_server
):
    staff, coordinator, _person, record, offer, _link = _setup(deliver, smtp_server)
    login(client, coordinator)
    recorded = submit(client, f"/coordinator/offers/{offer.id}/accept", page=f"/coordinator/requests/{record.id}")
    assert recorded.status_code == 302
    page = client.get(f"/coordinator/requests/{record.id}", headers=ENGLISH).get_data(as_text=True)
    assert "By phone, recorded by Jonas Becker" in _offers_row(page, "Amina Haddad")

    login(other_client, staff)
    page = other_client.get(f"/organisation/requests/{record.id}", headers=ENGLISH).get_data(as_text=True)
    assert any("Accepted: a volunteer" in row and "By phone, recorded by the centre" in row for row in _history(page))
    assert "Jonas" not in page


def test_the_scheduled_job_and_the_consequences_of_a_move_are_the_system(ctx, client, login, deliver, smtp_server):
    _staff, coordinator, _person, record, offer, _link = _setup(deliver, smtp_server)
    offers.expire_offers(utcnow() + timedelta(days=30))
    db.session.commit()
    expired = db.session.query(RequestEvent).filter_by(offer_id=offer.id, to_state="expired").one()
    assert (expired.actor_role, expired.channel, expired.actor_id) == (Actor.SYSTEM, Channel.SCHEDULED_JOB, None)
    login(client, coordinator)
    page = client.get(f"/coordinator/requests/{record.id}", headers=ENGLISH).get_data(as_text=True)
    row = next(row for row in _history(page) if "No answer in time" in row)
    assert "System, by the scheduled job" in row
    assert db.session.get(Offer, offer.id).state is OfferState.EXPIRED


def test_every_event_records_a_role_and_a_channel(ctx, deliver, smtp_server):
    _staff, _coordinator, person, record, offer, _link = _setup(deliver, smtp_server)
    offers.answer_in_portal(person, db.session.get(Offer, offer.id), accept=True)
    db.session.commit()
    moves = {
        (e.subject, e.to_state): (e.actor_role, e.channel)
        for e in db.session.query(RequestEvent).filter_by(request_id=record.id)
    }
    assert moves[("offer", "offered")] == (Actor.COORDINATOR, Channel.PORTAL)
    assert moves[("offer", "accepted")] == (Actor.VOLUNTEER, Channel.PORTAL)
    assert moves[("request", "filled")] == (Actor.SYSTEM, Channel.AUTOMATIC)
