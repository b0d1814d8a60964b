"""Exclusions recorded and removed by coordinators: each in the audit log with ids only, and a
warning first when the volunteer is asked or confirmed where the exclusion reaches."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests import factories
from tests.conftest import submit
from volunteers.extensions import db
from volunteers.models import AuditEvent, Exclusion, Offer
from volunteers.models.enums import OfferState
from volunteers.services import offers


def _exclude(client, pid: int, organisation_id: int, reference: str, reason: str = "Knows the family"):
    return submit(
        client,
        f"/coordinator/volunteers/{pid}/exclusions",
        {
            "exclusion-organisation_id": str(organisation_id),
            "exclusion-client_reference": reference,
            "exclusion-reason": reason,
        },
        page=f"/coordinator/volunteers/{pid}",
    )


def test_adding_and_removing_an_exclusion_is_in_the_audit_log_with_ids_only(ctx, client, login):
    _staff, organisation = factories.organisation_user(locale="en")
    person = factories.available_volunteer(given_name="Amina", family_name="Haddad")
    pid = person.profile.id
    login(client, factories.coordinator(locale="en", given_name="Miriam", family_name="Schaefer"))

    assert _exclude(client, pid, organisation.id, "K-2026-077", "Neighbour of the family").status_code == 302
    exclusion = db.session.scalar(select(Exclusion))
    exclusion_id = exclusion.id
    volunteer_page = f"/coordinator/volunteers/{pid}"
    assert submit(client, f"/coordinator/exclusions/{exclusion_id}/remove", page=volunteer_page).status_code == 302

    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("exclusion.%"))).all()
    assert [event.action for event in events] == ["exclusion.added", "exclusion.removed"]
    assert all(event.details == {"exclusion_id": exclusion_id, "one_client": True} for event in events)
    assert all(event.subject_user_id == person.id and event.organisation_id == organisation.id for event in events)
    page = client.get("/coordinator/audit").get_data(as_text=True)
    assert "Exclusion of a volunteer recorded (for one client only)" in page
    assert "Exclusion of a volunteer removed (for one client only)" in page
    assert "Amina Haddad" in page and organisation.name in page
    assert "K-2026-077" not in page and "Neighbour" not in page


def test_excluding_someone_asked_for_that_client_says_so_first_and_leaves_the_offer(ctx, client, login):
    staff, organisation = factories.organisation_user(locale="en")
    coordinator = factories.coordinator(locale="en")
    person = factories.available_volunteer(locale="en", place_name="Kassel")
    pid = person.profile.id
    record = factories.support_request(
        organisation, created_by_id=staff.id, client_reference="K-1", starts_at=factories.next_weekday(1, 9, weeks=2)
    )
    [offer] = offers.make_offers(coordinator, record, [pid])
    db.session.commit()
    offer_id = offer.id
    login(client, coordinator)

    # Another client of the same organisation: recorded at once.
    assert _exclude(client, pid, organisation.id, "K-2").status_code == 302

    asked = _exclude(client, pid, organisation.id, "k-1 ")
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200
    assert "is asked or confirmed there: record the exclusion anyway?" in page
    assert "withdraw it on its request page if needed" in page
    assert db.session.scalar(select(Exclusion).where(Exclusion.client_reference == "k-1")) is None

    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page))
    assert hidden["confirmed"] == "yes"
    confirmed = client.post(
        f"/coordinator/volunteers/{pid}/exclusions", data={**hidden, "exclusion-reason": "Knows the family"}
    )
    assert confirmed.status_code == 302, confirmed.get_data(as_text=True)[:2000]
    db.session.expire_all()
    assert db.session.scalar(select(Exclusion).where(Exclusion.client_reference == "k-1")) is not None
    assert db.session.get(Offer, offer_id).state is OfferState.OFFERED


def test_an_exclusion_recorded_already_is_refused_at_its_field(ctx, client, login):
    _staff, organisation = factories.organisation_user(locale="en")
    pid = factories.available_volunteer().profile.id
    login(client, factories.coordinator(locale="en"))

    assert _exclude(client, pid, organisation.id, "K-2026-077").status_code == 302
    again = _exclude(client, pid, organisation.id, " k-2026-077 ")
    assert again.status_code == 400
    html = again.get_data(as_text=True)
    assert re.search(
        r'id="exclusion-client_reference-error"[^>]*>.*already excluded for this client reference', html, re.S
    )
    assert _exclude(client, pid, organisation.id, "").status_code == 302  # the whole organisation: broader
    covered = _exclude(client, pid, organisation.id, "K-2026-078")
    assert covered.status_code == 400
    assert "already excluded from this organisation as a whole" in covered.get_data(as_text=True)
    assert len(db.session.scalars(select(Exclusion)).all()) == 2
