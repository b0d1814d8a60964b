"""The hard rules keep holding after the offer: when the volunteer, the request or an
exclusion changes, and when the centre withdraws someone already confirmed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests import factories
from tests.smtp import body_text
from volunteers.clock import BERLIN, today
from volunteers.extensions import db
from volunteers.models import Exclusion, RequestEvent
from volunteers.models.enums import Actor, Channel, OfferState, RequestState, VolunteerStatus
from volunteers.services import ServiceError, accounts, offers
from volunteers.services import requests as request_service
from volunteers.services.candidates import rank
from volunteers.services.transitions import By
from volunteers.services.volunteers import change_status


def _offered(**request_values):
    staff, organisation = factories.organisation_user()
    coordinator = factories.coordinator()
    person = factories.available_volunteer(place_name="Kassel")
    record = factories.support_request(organisation, created_by_id=staff.id, **request_values)
    [offer] = offers.make_offers(coordinator, record, [person.profile.id])
    db.session.commit()
    return staff, coordinator, person, record, offer


def test_withdrawing_a_confirmed_volunteer_reopens_the_place_and_tells_the_organisation(ctx, deliver, smtp_server):
    staff, coordinator, person, record, offer = _offered()
    offers.answer_in_portal(person, offer, accept=True)
    db.session.commit()
    assert record.state is RequestState.FILLED
    deliver()
    smtp_server.clear()

    offers.withdraw_by_coordinator(coordinator, offer)
    db.session.commit()
    db.session.refresh(record)
    assert (record.state, record.places_filled) == (RequestState.OPEN, 0)
    assert offer.state is OfferState.WITHDRAWN
    deliver()
    [released] = smtp_server.to(person.email)
    assert any(part.get_content_type() == "text/calendar" for part in released.iter_attachments())
    [told] = smtp_server.to(staff.email)
    assert "K-2026-017" not in body_text(told)
    # The place can be offered again.
    other = factories.available_volunteer(place_name="Kassel")
    assert offers.make_offers(coordinator, record, [other.profile.id])


def test_a_coordinator_edit_that_would_double_book_releases_the_volunteer(ctx, deliver, smtp_server):
    staff, organisation = factories.organisation_user()
    coordinator = factories.coordinator()
    person = factories.available_volunteer(place_name="Kassel")
    first = factories.support_request(organisation, created_by_id=staff.id)
    second = factories.support_request(
        organisation, created_by_id=staff.id, starts_at=first.starts_at + timedelta(days=1), client_reference="K-2"
    )
    [a] = offers.make_offers(coordinator, first, [person.profile.id])
    [b] = offers.make_offers(coordinator, second, [person.profile.id])
    db.session.commit()
    offers.answer_in_portal(person, a, accept=True)
    offers.answer_in_portal(person, b, accept=True)
    db.session.commit()
    deliver()
    smtp_server.clear()

    # The second request moves onto the first one's time.
    local = first.starts_at.astimezone(BERLIN)
    request_service.edit(
        coordinator,
        second,
        factories.request_input(second, day=local.date(), start=local.time().replace(tzinfo=None)),
        None,
        today(),
    )
    db.session.commit()
    db.session.refresh(second)
    assert b.state is OfferState.WITHDRAWN and a.state is OfferState.ACCEPTED
    assert (second.state, second.places_filled) == (RequestState.OPEN, 0)
    deliver()
    [released] = smtp_server.to(person.email)
    assert "released" in body_text(released) or "entbunden" in body_text(released)
    assert smtp_server.to(staff.email)  # the organisation hears the place is open again


def test_a_change_that_still_fits_keeps_the_volunteer_with_a_new_calendar_entry(ctx, deliver, smtp_server):
    _, coordinator, person, record, offer = _offered()
    offers.answer_in_portal(person, offer, accept=True)
    db.session.commit()
    request_service.edit(coordinator, record, factories.request_input(record, duration_minutes=60), None, today())
    db.session.commit()
    assert offer.state is OfferState.ACCEPTED and offer.calendar_sequence == 1


@pytest.mark.parametrize("change", ["paused", "deactivated", "excluded", "excluded_by_client"])
def test_acceptance_checks_every_hard_rule_again(ctx, change):
    _, _coordinator, person, record, offer = _offered()
    if change == "paused":
        # Even if the open offer were not withdrawn on pausing (it is), accepting is refused.
        person.profile.status = VolunteerStatus.PAUSED
    elif change == "deactivated":
        person.active = False
    elif change == "excluded":
        db.session.add(Exclusion(profile_id=person.profile.id, organisation_id=record.organisation_id, reason="x"))
    else:
        db.session.add(
            Exclusion(
                profile_id=person.profile.id,
                organisation_id=record.organisation_id,
                client_reference="k-2026-017",  # another spelling of K-2026-017
                reason="x",
            )
        )
    db.session.commit()
    with pytest.raises(ServiceError) as refused:
        offers.accept_offer(offer, By(Actor.VOLUNTEER, person, Channel.PORTAL))
    assert str(refused.value.message) in {str(text) for text in offers.REFUSALS.values()}
    db.session.rollback()
    assert person.profile.id not in {r.candidate.profile_id for r in rank(record).result.ranked}


def test_pausing_or_deactivating_withdraws_open_offers(ctx):
    _, coordinator, person, _record, offer = _offered()
    change_status(person, person.profile, VolunteerStatus.PAUSED, None)
    db.session.commit()
    assert offer.state is OfferState.WITHDRAWN
    _, coordinator, other, _second, waiting = _offered(client_reference="K-9")
    accounts.set_active(coordinator, other, False)
    db.session.commit()
    assert waiting.state is OfferState.WITHDRAWN


def test_the_centre_cancelling_tells_the_organisation(ctx, deliver, smtp_server):
    staff, coordinator, _person, record, _offer = _offered()
    request_service.cancel(coordinator, record, "Termin verlegt")
    db.session.commit()
    deliver()
    [told] = smtp_server.to(staff.email)
    assert "Termin verlegt" not in body_text(told)  # the reason is on the page, not in the mail
    assert f"/organisation/requests/{record.id}" in body_text(told)


def test_an_organisation_no_longer_approved_cannot_edit(ctx):
    from volunteers.models import OrganisationStatus

    staff, organisation = factories.organisation_user()
    record = factories.support_request(organisation, created_by_id=staff.id)
    assert request_service.may_edit(staff, record)
    organisation.status = OrganisationStatus.REJECTED
    db.session.commit()
    assert not request_service.may_edit(staff, record)


def test_history_shows_an_acceptance_withdrawn_as_such(ctx):
    _, coordinator, person, record, offer = _offered()
    offers.answer_in_portal(person, offer, accept=True)
    db.session.commit()
    request_service.cancel(coordinator, record, None)
    db.session.commit()
    moves = {
        (e.from_state, e.to_state)
        for e in db.session.scalars(select(RequestEvent).where(RequestEvent.offer_id == offer.id))
    }
    assert ("accepted", "withdrawn") in moves and ("offered", "withdrawn") not in moves
