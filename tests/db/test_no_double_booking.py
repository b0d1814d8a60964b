"""No double booking under races: two transactions at the same moment, exactly one wins and
the other gets a clear message. On PostgreSQL the two run truly in parallel (row locks and
conditional UPDATEs decide); on SQLite BEGIN IMMEDIATE serialises them."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import func, select

from tests import factories
from volunteers.extensions import db
from volunteers.models import Offer, SupportRequest, User
from volunteers.models.enums import OfferState
from volunteers.services import ServiceError, offers


def _race(app, *moves):
    """Runs each move(user, offer) in its own thread and session, all starting together."""
    barrier = threading.Barrier(len(moves))
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def run(actor_id: int, offer_id: int, action) -> None:
        try:
            with app.app_context():
                actor = db.session.get(User, actor_id)
                offer = db.session.get(Offer, offer_id)
                _ = offer.request, offer.profile.user  # load what the move needs before the start
                db.session.commit()
                barrier.wait(timeout=30)
                try:
                    action(actor, offer)
                    db.session.commit()
                    outcomes.append("won")
                except ServiceError as error:
                    db.session.rollback()
                    outcomes.append(f"refused: {error.message}")
                finally:
                    db.session.remove()
        except BaseException as error:  # surfaced below
            errors.append(error)

    threads = [threading.Thread(target=run, args=move) for move in moves]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return sorted(outcomes, key=lambda o: o != "won")


def _accept(actor, offer):
    offers.answer_in_portal(actor, offer, accept=True)


def test_two_volunteers_accepting_the_last_place(ctx, app):
    _, organisation = factories.organisation_user()
    coordinator = factories.coordinator()
    first, second = (factories.available_volunteer(place_name="Kassel") for _ in range(2))
    record = factories.support_request(organisation, places_needed=1)
    a, b = offers.make_offers(coordinator, record, [first.profile.id, second.profile.id])
    db.session.commit()
    outcomes = _race(app, (first.id, a.id, _accept), (second.id, b.id, _accept))
    assert outcomes[0] == "won" and outcomes[1].startswith("refused")
    db.session.commit()
    assert db.session.get(SupportRequest, record.id).places_filled == 1
    accepted = db.session.scalar(
        select(func.count(Offer.id)).where(Offer.request_id == record.id, Offer.state == OfferState.ACCEPTED)
    )
    assert accepted == 1


def test_one_volunteer_accepting_two_overlapping_requests(ctx, app):
    _, organisation = factories.organisation_user()
    coordinator = factories.coordinator()
    person = factories.available_volunteer(place_name="Kassel")
    first = factories.support_request(organisation)
    second = factories.support_request(
        organisation, starts_at=first.starts_at + timedelta(minutes=30), client_reference="K-2"
    )
    [a] = offers.make_offers(coordinator, first, [person.profile.id])
    [b] = offers.make_offers(coordinator, second, [person.profile.id])
    db.session.commit()
    outcomes = _race(app, (person.id, a.id, _accept), (person.id, b.id, _accept))
    assert outcomes[0] == "won" and outcomes[1].startswith("refused")
    db.session.commit()
    accepted = db.session.scalar(
        select(func.count(Offer.id)).where(Offer.profile_id == person.profile.id, Offer.state == OfferState.ACCEPTED)
    )
    assert accepted == 1


def test_two_coordinators_recording_different_answers_at_once(ctx, app):
    _, organisation = factories.organisation_user()
    one, other = factories.coordinator(), factories.coordinator()
    person = factories.available_volunteer(place_name="Kassel")
    record = factories.support_request(organisation)
    [offer] = offers.make_offers(one, record, [person.profile.id])
    db.session.commit()

    def decline(actor, target):
        offers.answer_in_portal(actor, target, accept=False)

    outcomes = _race(app, (one.id, offer.id, _accept), (other.id, offer.id, decline))
    assert outcomes[0] == "won" and outcomes[1].startswith("refused")
    db.session.commit()
    state = db.session.get(Offer, offer.id).state
    assert state in (OfferState.ACCEPTED, OfferState.DECLINED)
    filled = db.session.get(SupportRequest, record.id).places_filled
    assert filled == (1 if state is OfferState.ACCEPTED else 0)


def _hold_locks_of_the_first(monkeypatch, seconds: float = 1.0):
    """The first thread to take the offer locks keeps them a moment, so the other thread's
    move starts while they are held (the interleaving that deadlocked before)."""
    real_lock = offers._lock
    taken = threading.Event()

    def lock_then_wait(request, profile_id):
        real_lock(request, profile_id)
        if not taken.is_set():
            taken.set()
            threading.Event().wait(seconds)

    monkeypatch.setattr(offers, "_lock", lock_then_wait)


def test_two_volunteers_accepting_the_last_place_by_their_mail_links(ctx, app, monkeypatch):
    from volunteers.models import TokenPurpose
    from volunteers.services import tokens

    _, organisation = factories.organisation_user()
    coordinator = factories.coordinator()
    first, second = (factories.available_volunteer(place_name="Kassel") for _ in range(2))
    record = factories.support_request(organisation, places_needed=1)
    made = offers.make_offers(coordinator, record, [first.profile.id, second.profile.id])
    links = {
        offer.id: tokens.issue(
            TokenPurpose.OFFER_RESPONSE, user=offer.profile.user, offer=offer, expires_at=offer.expires_at
        )
        for offer in made
    }
    db.session.commit()
    _hold_locks_of_the_first(monkeypatch)

    def by_link(_actor, offer):
        offers.answer_by_link(links[offer.id], accept=True)

    outcomes = _race(app, (first.id, made[0].id, by_link), (second.id, made[1].id, by_link))
    assert outcomes[0] == "won" and outcomes[1].startswith("refused"), outcomes
    db.session.commit()
    assert db.session.get(SupportRequest, record.id).places_filled == 1


def test_cancelling_while_a_volunteer_accepts(ctx, app, monkeypatch):
    """The cancel either comes first (the acceptance is refused) or sees the acceptance and
    withdraws it as an accepted one, with the calendar cancellation; never as if unanswered."""
    from volunteers.models import RequestEvent
    from volunteers.services import requests as request_service

    _, organisation = factories.organisation_user()
    coordinator = factories.coordinator()
    person = factories.available_volunteer(place_name="Kassel")
    record = factories.support_request(organisation, places_needed=2)
    [offer] = offers.make_offers(coordinator, record, [person.profile.id])
    db.session.commit()
    _hold_locks_of_the_first(monkeypatch)

    def cancel(actor, target):
        _ = [o.state for o in target.request.offers]  # what the page showed a moment ago
        request_service.cancel(actor, target.request, None)

    outcomes = _race(app, (person.id, offer.id, _accept), (coordinator.id, offer.id, cancel))
    assert "won" in outcomes
    db.session.commit()
    moves = {
        (e.from_state, e.to_state)
        for e in db.session.scalars(select(RequestEvent).where(RequestEvent.offer_id == offer.id))
    }
    if ("offered", "accepted") in moves:
        assert ("accepted", "withdrawn") in moves and ("offered", "withdrawn") not in moves, moves
    state = db.session.get(SupportRequest, record.id)
    assert state.places_filled == 0 and db.session.get(Offer, offer.id).state is not OfferState.ACCEPTED
