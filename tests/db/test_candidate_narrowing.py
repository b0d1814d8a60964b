"""Each step of candidate_narrowing only narrows: on random volunteers and requests, nobody
whom the rule in Python lets through is left out by the step's SQL."""

from __future__ import annotations

import random
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from tests import factories
from volunteers.extensions import db
from volunteers.models import Absence, AvailabilitySlot, Exclusion, Offer, Place, VolunteerProfile
from volunteers.models.enums import DayPart, Gender, GenderPreference, HardRule, Mobility, Mode, OfferState
from volunteers.services import candidate_narrowing
from volunteers.services.candidates import load_candidates, request_facts
from volunteers.services.id_lists import among
from volunteers.services.matching import SlotCheck


def _random_population(rng: random.Random, organisation, size: int) -> list[int]:
    places = db.session.scalars(select(Place)).all()
    ids = []
    for number in range(size):
        profile = factories.available_volunteer(email=f"v{number}@example.org").profile
        profile.availability.clear()
        db.session.flush()
        cells = rng.sample([(day, part) for day in range(7) for part in DayPart], rng.randint(0, 12))
        profile.availability.extend(AvailabilitySlot(weekday=day, day_part=part) for day, part in cells)
        profile.gender = rng.choice(list(Gender))
        profile.mobility = rng.choice([None, *Mobility])
        profile.max_travel_km = rng.choice([None, 0, 5, 15, 30, 60])
        profile.home_place_id = rng.choice([None, *(place.id for place in places)])
        profile.max_assignments_per_month = rng.randint(0, 3)
        if rng.random() < 0.3:
            first = factories.next_weekday(rng.randint(0, 6), 9).date() + timedelta(days=rng.randint(-5, 5))
            db.session.add(
                Absence(profile_id=profile.id, starts_on=first, ends_on=first + timedelta(rng.randint(0, 6)))
            )
        if rng.random() < 0.2:
            reference = rng.choice([None, "", "K-1", "k-1 "])
            db.session.add(
                Exclusion(
                    profile_id=profile.id, organisation_id=organisation.id, client_reference=reference, reason="x"
                )
            )
        ids.append(profile.id)
    db.session.commit()
    # Accepted assignments at random times around the requests' days (bookings, monthly counts).
    for profile_id in ids:
        for _ in range(rng.choice([0, 0, 1, 2, 3])):
            starts_at = factories.next_weekday(rng.randint(0, 4), rng.randint(8, 19), rng.choice([0, 30]))
            earlier = factories.support_request(
                organisation, starts_at=starts_at, duration_minutes=rng.choice([60, 90, 240, 600])
            )
            db.session.add(
                Offer(request_id=earlier.id, profile_id=profile_id, state=OfferState.ACCEPTED, expires_at=starts_at)
            )
    db.session.commit()
    return ids


def test_no_step_drops_anyone_the_rule_lets_through(ctx):
    rng = random.Random(20261207)
    staff, organisation = factories.organisation_user()
    ids = _random_population(rng, organisation, 40)
    places = db.session.scalars(select(Place.id)).all()
    buffer = timedelta(minutes=current_app.config["TRAVEL_BUFFER_MINUTES"])
    dropped = dict.fromkeys(candidate_narrowing.STEPS, 0)
    for _ in range(12):
        record = factories.support_request(
            organisation,
            created_by_id=staff.id,
            starts_at=factories.next_weekday(rng.randint(0, 6), rng.randint(7, 20), rng.choice([0, 30])),
            duration_minutes=rng.choice([30, 60, 120, 240]),
            mode=rng.choice(list(Mode)),
            gender_preference=rng.choice(list(GenderPreference)),
            place_id=rng.choice([None, *places]),
            client_reference=rng.choice(["K-1", "K-2"]),
        )
        facts = request_facts(record)
        check = SlotCheck.of(facts, facts.slot, buffer=buffer)
        whole = [load_candidates(record, facts, only=profile_id)[0][0] for profile_id in ids]
        for rule in candidate_narrowing.STEPS:
            passing = {c.profile_id for c in whole if check.passes(rule, c)}
            kept = set(
                db.session.scalars(
                    select(VolunteerProfile.id).where(
                        among(VolunteerProfile.id, ids), *candidate_narrowing.conditions(record, check, (rule,))
                    )
                )
            )
            assert passing <= kept, (rule, sorted(passing - kept))
            dropped[rule] += len(set(ids) - kept)
    # Every step leaves someone out at least once: the check above had something to check.
    assert all(dropped.values()), dropped


def test_the_steps_together_keep_who_passes_them_all(ctx):
    rng = random.Random(7)
    staff, organisation = factories.organisation_user()
    ids = _random_population(rng, organisation, 25)
    record = factories.support_request(organisation, created_by_id=staff.id, mode=Mode.ON_SITE)
    facts = request_facts(record)
    check = SlotCheck.of(facts, facts.slot, buffer=timedelta(minutes=current_app.config["TRAVEL_BUFFER_MINUTES"]))
    whole = [load_candidates(record, facts, only=profile_id)[0][0] for profile_id in ids]
    passing = {c.profile_id for c in whole if all(check.passes(rule, c) for rule in candidate_narrowing.STEPS)}
    assert passing <= candidate_narrowing.keep(ids, record, check)
    assert HardRule.AVAILABLE in candidate_narrowing.STEPS
