"""Every transition of requests and offers, who may make it, and what `flask tick` does."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from tests import factories
from volunteers.db_types import utcnow
from volunteers.extensions import db
from volunteers.models import Exclusion, Offer, RequestEvent, SupportRequest
from volunteers.models.enums import Actor, OfferState, RequestState, ResponseChannel
from volunteers.services import ServiceError, offers, transitions
from volunteers.services import requests as request_service


def _setup(places: int = 1, volunteers: int = 2):
    staff, organisation = factories.organisation_user()
    coordinator = factories.coordinator()
    people = [factories.available_volunteer(place_name="Kassel") for _ in range(volunteers)]
    record = factories.support_request(organisation, places_needed=places, created_by_id=staff.id)
    made = offers.make_offers(coordinator, record, [p.profile.id for p in people])
    db.session.commit()
    return staff, coordinator, people, record, made


def _states(record: SupportRequest) -> tuple:
    db.session.refresh(record)
    return record.state, tuple(o.state for o in record.offers)


def test_the_transition_table_is_complete_for_every_state():
    from volunteers.models.enums import OfferState as O
    from volunteers.models.enums import RequestState as R

    assert {t.source for t in transitions.REQUEST_TRANSITIONS} >= {None, R.OPEN, R.PARTLY_FILLED, R.FILLED}
    assert {t.source for t in transitions.OFFER_TRANSITIONS} >= {None, O.OFFERED, O.ACCEPTED}
    finals = {R.CANCELLED, R.UNMATCHED, O.DECLINED, O.EXPIRED, O.WITHDRAWN, O.CANCELLED_BY_VOLUNTEER}
    assert not [t for t in transitions.REQUEST_TRANSITIONS + transitions.OFFER_TRANSITIONS if t.source in finals]


def test_shortlist_two_places_two_acceptances_fill_it(ctx):
    _, _, people, record, made = _setup(places=2, volunteers=3)
    offers.answer_in_portal(people[0], made[0], accept=True)
    db.session.commit()
    assert _states(record)[0] is RequestState.PARTLY_FILLED
    offers.answer_in_portal(people[1], made[1], accept=True)
    db.session.commit()
    assert _states(record) == (RequestState.FILLED, (OfferState.ACCEPTED, OfferState.ACCEPTED, OfferState.WITHDRAWN))


def test_declining_and_coordinators_recording_answers_by_phone(ctx):
    _, coordinator, _people, record, made = _setup()
    offers.answer_in_portal(coordinator, made[0], accept=False)
    db.session.commit()
    assert made[0].state is OfferState.DECLINED and made[0].response_channel is ResponseChannel.PHONE
    offers.answer_in_portal(coordinator, made[1], accept=True)
    db.session.commit()
    assert _states(record)[0] is RequestState.FILLED
    with pytest.raises(ServiceError):
        offers.answer_in_portal(coordinator, made[0], accept=True)  # declined is final
    db.session.rollback()


def test_nobody_answers_someone_elses_offer(ctx):
    _, _, people, _, made = _setup()
    stranger = factories.volunteer()
    staff, _ = factories.organisation_user()
    for intruder in (stranger, staff):
        with pytest.raises(ServiceError):
            offers.answer_in_portal(intruder, made[0], accept=True)
        db.session.rollback()
    with pytest.raises(ServiceError):
        offers.answer_in_portal(people[1], made[0], accept=True)
    db.session.rollback()


def test_a_volunteer_who_cancels_reopens_the_place(ctx):
    _, _, people, record, made = _setup()
    offers.answer_in_portal(people[0], made[0], accept=True)
    db.session.commit()
    offers.cancel_by_volunteer(people[0], made[0], "A fever")
    db.session.commit()
    state, offer_states = _states(record)
    assert state is RequestState.OPEN and record.places_filled == 0
    assert offer_states == (OfferState.CANCELLED_BY_VOLUNTEER, OfferState.WITHDRAWN)
    events = {(e.subject, e.from_state, e.to_state) for e in db.session.scalars(select(RequestEvent))}
    assert ("request", "filled", "open") in events
    assert ("offer", "accepted", "cancelled_by_volunteer") in events


def test_only_ranked_volunteers_can_be_offered_even_with_a_crafted_form(ctx):
    staff, organisation = factories.organisation_user()
    coordinator = factories.coordinator()
    excluded = factories.available_volunteer(place_name="Kassel")
    db.session.add(Exclusion(profile_id=excluded.profile.id, organisation_id=organisation.id, reason="conflict"))
    untrained = factories.available_volunteer(trainings=(), place_name="Kassel")
    record = factories.support_request(organisation)
    for person in (excluded, untrained):
        with pytest.raises(ServiceError):
            offers.make_offers(coordinator, record, [person.profile.id])
        db.session.rollback()
    with pytest.raises(ServiceError):
        offers.make_offers(staff, record, [excluded.profile.id])
    db.session.rollback()


def test_no_double_booking_of_overlapping_requests(ctx):
    _staff, organisation = factories.organisation_user()
    coordinator = factories.coordinator()
    person = factories.available_volunteer(place_name="Kassel")
    first = factories.support_request(organisation)
    second = factories.support_request(
        organisation, starts_at=first.starts_at + timedelta(minutes=100), client_reference="K-2"
    )  # 10 minutes after, inside the buffer
    [a] = offers.make_offers(coordinator, first, [person.profile.id])
    [b] = offers.make_offers(coordinator, second, [person.profile.id])
    db.session.commit()
    offers.answer_in_portal(person, a, accept=True)
    db.session.commit()
    with pytest.raises(ServiceError):
        offers.answer_in_portal(person, b, accept=True)
    db.session.rollback()
    assert db.session.get(SupportRequest, second.id).places_filled == 0


def test_the_monthly_maximum_holds_at_acceptance(ctx):
    _staff, organisation = factories.organisation_user()
    coordinator = factories.coordinator()
    person = factories.available_volunteer(place_name="Kassel")
    person.profile.max_assignments_per_month = 1
    db.session.commit()
    first = factories.support_request(organisation)
    second = factories.support_request(
        organisation, starts_at=first.starts_at + timedelta(days=1), client_reference="K-3"
    )
    [a] = offers.make_offers(coordinator, first, [person.profile.id])
    [b] = offers.make_offers(coordinator, second, [person.profile.id])
    db.session.commit()
    offers.answer_in_portal(person, a, accept=True)
    db.session.commit()
    with pytest.raises(ServiceError):
        offers.answer_in_portal(person, b, accept=True)
    db.session.rollback()


def test_cancelling_a_request_withdraws_everything(ctx):
    staff, _, people, record, made = _setup(places=2)
    offers.answer_in_portal(people[0], made[0], accept=True)
    db.session.commit()
    request_service.cancel(staff, record, "The appointment was moved by the office.")
    db.session.commit()
    assert _states(record) == (RequestState.CANCELLED, (OfferState.WITHDRAWN, OfferState.WITHDRAWN))
    with pytest.raises(ServiceError):
        request_service.cancel(staff, record, None)  # already cancelled: a clear message
    db.session.rollback()


def test_offers_expire_and_requests_become_unmatched_when_their_time_comes(ctx):
    _, _, _, record, made = _setup()
    assert offers.expire_offers(utcnow()) == 0
    assert offers.expire_offers(made[0].expires_at + timedelta(seconds=1)) == 2
    db.session.commit()
    assert _states(record)[1] == (OfferState.EXPIRED, OfferState.EXPIRED)
    # Still open on the morning of its day: an urgent one may be filled until it begins.
    assert offers.mark_unmatched(record.starts_at - timedelta(hours=2)) == 0
    assert offers.mark_unmatched(record.starts_at) == 1
    db.session.commit()
    assert _states(record)[0] is RequestState.UNMATCHED
    assert offers.mark_unmatched(record.starts_at + timedelta(hours=1)) == 0  # safe to run twice


def test_an_offer_the_job_expires_reads_expired_in_the_same_transaction(ctx):
    """The job moves offers through the one door: the offer in hand says what the row says
    (it used to write its own UPDATE and leave the loaded offer "offered")."""
    made = _setup()[-1]
    assert offers.expire_offers(made[0].expires_at + timedelta(seconds=1)) == 2
    assert [offer.state for offer in made] == [OfferState.EXPIRED, OfferState.EXPIRED]
    assert transitions.offer_actions(made[0]) == []
    db.session.rollback()


def test_a_move_the_row_has_moved_past_changes_nothing(ctx):
    """Two people at once: the second move finds the row no longer in the state it read, is
    refused with a message, and writes no history."""
    _, coordinator, _, _, made = _setup()
    offer = made[0]
    db.session.execute(
        update(Offer).where(Offer.id == offer.id).values(state=OfferState.DECLINED),
        execution_options={"synchronize_session": False},
    )
    before = db.session.scalar(select(func.count()).select_from(RequestEvent))
    with pytest.raises(ServiceError, match="Abgelehnt"):
        transitions.move(offer, OfferState.WITHDRAWN, transitions.By(Actor.COORDINATOR, coordinator))
    assert offer.state is OfferState.DECLINED
    assert db.session.scalar(select(func.count()).select_from(RequestEvent)) == before
    db.session.rollback()


def test_the_offer_actions_follow_the_transition_table(ctx):
    from volunteers.models.enums import OfferAction

    _, _, people, _, made = _setup()
    assert transitions.offer_actions(made[0]) == [OfferAction.ACCEPT, OfferAction.DECLINE, OfferAction.WITHDRAW]
    assert transitions.offer_actions(made[0], Actor.ORGANISATION) == [OfferAction.WITHDRAW]
    offers.answer_in_portal(people[0], made[0], accept=True)
    assert transitions.offer_actions(made[0]) == [OfferAction.CANCEL, OfferAction.WITHDRAW]
    db.session.rollback()


def test_the_day_before_reminder_goes_once(ctx, deliver, smtp_server):
    _, _, people, record, made = _setup()
    offers.answer_in_portal(people[0], made[0], accept=True)
    db.session.commit()
    from volunteers.clock import BERLIN

    eve = record.starts_at.astimezone(BERLIN).date() - timedelta(days=1)
    assert offers.remind_day_before(eve) == 1
    assert offers.remind_day_before(eve) == 0
    db.session.commit()
    deliver()
    reminders = [m for m in smtp_server.to(people[0].email) if "tomorrow" in m["Subject"] or "morgen" in m["Subject"]]
    assert len(reminders) == 1


def test_an_edit_that_changes_the_time_withdraws_open_offers_and_tells_confirmed_volunteers(ctx, deliver, smtp_server):
    from volunteers.clock import BERLIN, today

    staff, coordinator, people, record, made = _setup(places=2)
    offers.answer_in_portal(people[0], made[0], accept=True)
    db.session.commit()
    moved = (record.starts_at + timedelta(hours=1)).astimezone(BERLIN)
    data = request_service.RequestInput(
        area=record.area,
        kind=record.kind,
        places_needed=2,
        language_code="tir",
        topic=record.topic,
        mode=record.mode,
        day=moved.date(),
        start=moved.time().replace(tzinfo=None),
        duration_minutes=90,
        alternative_day=None,
        alternative_start=None,
        place_id=record.place_id,
        meeting_point=record.meeting_point,
        contact_on_site=None,
        gender_preference=record.gender_preference,
        minors_involved=False,
        urgent=False,
        urgent_reason=None,
        client_reference=record.client_reference,
        consent_confirmed=True,
        not_excluded_confirmed=True,
    )
    with pytest.raises(ServiceError):
        request_service.edit(staff, record, data, record.version, today())  # someone is assigned
    db.session.rollback()
    changed = request_service.edit(coordinator, record, data, record.version, today())
    db.session.commit()
    assert "starts_at" in changed
    assert _states(record)[1] == (OfferState.ACCEPTED, OfferState.WITHDRAWN)
    assert made[0].calendar_sequence == 1
    deliver()
    assert any("changed" in m["Subject"] or "geändert" in m["Subject"] for m in smtp_server.to(people[0].email))
