"""The database side of matching: gathers the facts about everyone who speaks the requested
variety, in a fixed number of queries, and hands them to the pure `matching.match`.

The query narrows first: only speakers of the variety (not retired) are loaded at all; the
qualification service runs only for the active ones; availability, bookings and the other
facts only for those it found qualified.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import case, func, select

from ..extensions import db
from ..models import (
    Absence,
    AvailabilitySlot,
    Exclusion,
    Offer,
    Place,
    SupportRequest,
    User,
    VolunteerLanguage,
    VolunteerProfile,
)
from ..models.enums import OfferState, VolunteerStatus
from . import eligibility
from .matching import BERLIN, Candidate, MatchResult, RequestFacts, Slot, broken_rules, client_key, match

FAIRNESS_DAYS = 90


def slot_of(request: SupportRequest, starts_at: datetime | None = None) -> Slot:
    start = starts_at or request.starts_at
    return Slot(start, start + timedelta(minutes=request.duration_minutes))


def request_facts(request: SupportRequest) -> RequestFacts:
    place = request.place
    coordinates = (place.latitude, place.longitude) if place and place.latitude is not None else None
    return RequestFacts(
        id=request.id,
        language_code=request.language_code,
        mode=request.mode,
        slot=slot_of(request),
        place=coordinates,
        gender_preference=request.gender_preference,
        organisation_id=request.organisation_id,
        client_reference=request.client_reference,
        alternative=slot_of(request, request.alternative_starts_at) if request.alternative_starts_at else None,
    )


@dataclass(frozen=True)
class Person:
    """What the candidates list shows of a volunteer."""

    profile_id: int
    given_name: str
    family_name: str
    place_name: str | None

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


@dataclass(frozen=True)
class Ranking:
    result: MatchResult
    people: dict[int, Person]
    #: Volunteers who pass every rule but already hold an offer for this request.
    already_asked: int = 0


def _days(facts: RequestFacts) -> list[date]:
    slots = [facts.slot] + ([facts.alternative] if facts.alternative else [])
    return sorted({slot.local_start.date() for slot in slots})


def load_candidates(
    request: SupportRequest, facts: RequestFacts, only: int | None = None
) -> tuple[list[Candidate], dict[int, Person]]:
    """Everyone who speaks the variety (or only the one profile `only`), with their facts."""
    query = (
        select(
            VolunteerProfile.id,
            VolunteerProfile.status,
            User.active.label("account_active"),
            VolunteerLanguage.level,
            User.given_name,
            User.family_name,
        )
        .join(VolunteerLanguage, VolunteerLanguage.profile_id == VolunteerProfile.id)
        .join(User, VolunteerProfile.user_id == User.id)
        .where(
            VolunteerLanguage.language_code == facts.language_code, VolunteerProfile.status != VolunteerStatus.RETIRED
        )
    )
    if only is not None:
        query = query.where(VolunteerProfile.id == only)
    speakers = db.session.execute(query).all()
    # A deactivated account counts as not active, whatever the profile says.
    active_ids = [row.id for row in speakers if row.status is VolunteerStatus.ACTIVE and row.account_active]
    days = _days(facts)
    qualified: dict[int, dict[date, bool]] = defaultdict(dict)
    if active_ids:
        rulebook = eligibility.load_rulebook(request.area, request.kind)
        all_facts = eligibility.load_facts(active_ids)
        for day in days:
            for profile_id, volunteer in all_facts.items():
                verdict = eligibility.evaluate(volunteer, rulebook, day, facts.language_code, request.minors_involved)
                qualified[profile_id][day] = verdict.allowed
    ids = [pid for pid, by_day in qualified.items() if any(by_day.values())]
    details = _details(ids, request, facts, days)
    candidates = []
    people = {}
    for row in speakers:
        base = Candidate(
            profile_id=row.id,
            active=row.status is VolunteerStatus.ACTIVE and row.account_active,
            level=row.level,
            qualified_on=qualified.get(row.id, {}),
        )
        candidates.append(details[row.id](base) if row.id in details else base)
        people[row.id] = Person(row.id, row.given_name, row.family_name, None)
    for profile_id, place_name in _place_names(ids).items():
        person = people[profile_id]
        people[profile_id] = Person(person.profile_id, person.given_name, person.family_name, place_name)
    return candidates, people


def _place_names(ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = db.session.execute(
        select(VolunteerProfile.id, Place.name)
        .join(Place, VolunteerProfile.home_place_id == Place.id)
        .where(VolunteerProfile.id.in_(ids))
    )
    return dict(rows.all())


def _details(ids: list[int], request: SupportRequest, facts: RequestFacts, days: list[date]):
    """For the qualified: everything the remaining rules and the ranking need (nine queries)."""
    if not ids:
        return {}
    profiles = {
        row.id: row
        for row in db.session.execute(
            select(
                VolunteerProfile.id,
                VolunteerProfile.gender,
                VolunteerProfile.mobility,
                VolunteerProfile.max_travel_km,
                VolunteerProfile.max_assignments_per_month,
                Place.latitude,
                Place.longitude,
            )
            .outerjoin(Place, VolunteerProfile.home_place_id == Place.id)
            .where(VolunteerProfile.id.in_(ids))
        )
    }
    weekly = defaultdict(set)
    for row in db.session.execute(
        select(AvailabilitySlot.profile_id, AvailabilitySlot.weekday, AvailabilitySlot.day_part).where(
            AvailabilitySlot.profile_id.in_(ids)
        )
    ):
        weekly[row.profile_id].add((row.weekday, row.day_part))
    absences = defaultdict(list)
    for row in db.session.execute(
        select(Absence.profile_id, Absence.starts_on, Absence.ends_on).where(
            Absence.profile_id.in_(ids), Absence.ends_on >= min(days), Absence.starts_on <= max(days)
        )
    ):
        absences[row.profile_id].append((row.starts_on, row.ends_on))

    # Accepted assignments of other requests: overlaps near the days, counts per month.
    first_month = datetime(min(days).year, min(days).month, 1, tzinfo=BERLIN)
    last = max(days)
    after_last_month = datetime(last.year + (last.month == 12), last.month % 12 + 1, 1, tzinfo=BERLIN)
    window_start = min(first_month, datetime.combine(min(days), datetime.min.time(), BERLIN) - timedelta(days=1))
    busy = defaultdict(list)
    per_month = defaultdict(lambda: defaultdict(int))
    accepted = (
        select(Offer.profile_id, SupportRequest.starts_at, SupportRequest.duration_minutes)
        .join(SupportRequest, Offer.request_id == SupportRequest.id)
        .where(
            Offer.profile_id.in_(ids),
            Offer.state == OfferState.ACCEPTED,
            SupportRequest.id != (request.id or 0),
            SupportRequest.starts_at >= window_start,
            SupportRequest.starts_at < after_last_month + timedelta(days=1),
        )
    )
    for row in db.session.execute(accepted):
        slot = Slot(row.starts_at, row.starts_at + timedelta(minutes=row.duration_minutes))
        busy[row.profile_id].append(slot)
        local = slot.local_start
        per_month[row.profile_id][(local.year, local.month)] += 1

    excluded_organisations = defaultdict(set)
    excluded_clients = defaultdict(set)
    for row in db.session.execute(
        select(Exclusion.profile_id, Exclusion.organisation_id, Exclusion.client_reference).where(
            Exclusion.profile_id.in_(ids), Exclusion.organisation_id == request.organisation_id
        )
    ):
        if row.client_reference:
            excluded_clients[row.profile_id].add((row.organisation_id, client_key(row.client_reference)))
        else:
            excluded_organisations[row.profile_id].add(row.organisation_id)

    since = facts.slot.starts_at - timedelta(days=FAIRNESS_DAYS)
    recent = dict(
        db.session.execute(
            select(Offer.profile_id, func.count(Offer.id))
            .join(SupportRequest, Offer.request_id == SupportRequest.id)
            .where(
                Offer.profile_id.in_(ids),
                Offer.state == OfferState.ACCEPTED,
                SupportRequest.starts_at >= since,
                SupportRequest.starts_at < facts.slot.starts_at,
            )
            .group_by(Offer.profile_id)
        ).all()
    )
    helped = set(
        db.session.scalars(
            select(Offer.profile_id)
            .join(SupportRequest, Offer.request_id == SupportRequest.id)
            .where(
                Offer.profile_id.in_(ids),
                Offer.state == OfferState.ACCEPTED,
                SupportRequest.organisation_id == request.organisation_id,
                func.lower(SupportRequest.client_reference) == request.client_reference.strip().lower(),
                SupportRequest.id != (request.id or 0),
            )
        )
    )
    answered_states = [OfferState.ACCEPTED, OfferState.DECLINED, OfferState.EXPIRED, OfferState.CANCELLED_BY_VOLUNTEER]
    stats = {
        row.profile_id: (row.accepted or 0, row.answered or 0)
        for row in db.session.execute(
            select(
                Offer.profile_id,
                func.sum(case((Offer.state == OfferState.ACCEPTED, 1), else_=0)).label("accepted"),
                func.count(Offer.id).label("answered"),
            )
            .where(Offer.profile_id.in_(ids), Offer.state.in_(answered_states))
            .group_by(Offer.profile_id)
        )
    }

    def complete(profile_id: int):
        row = profiles[profile_id]

        def apply(base: Candidate) -> Candidate:
            accepted_count, answered = stats.get(profile_id, (0, 0))
            return replace(
                base,
                weekly=frozenset(weekly[profile_id]),
                absences=tuple(absences[profile_id]),
                busy=tuple(busy[profile_id]),
                per_month=dict(per_month[profile_id]),
                max_per_month=row.max_assignments_per_month,
                gender=row.gender,
                excluded_organisations=frozenset(excluded_organisations[profile_id]),
                excluded_clients=frozenset(excluded_clients[profile_id]),
                mobility=row.mobility,
                home=(row.latitude, row.longitude) if row.latitude is not None else None,
                max_travel_km=row.max_travel_km,
                assignments_last_90_days=recent.get(profile_id, 0),
                helped_client_before=profile_id in helped,
                offers_accepted=int(accepted_count),
                offers_answered=int(answered),
            )

        return apply

    return {profile_id: complete(profile_id) for profile_id in ids if profile_id in profiles}


def rules_broken(request: SupportRequest, profile_id: int) -> list[str]:
    """The hard rules one volunteer breaks for the request as it is now (empty: none), checked
    again when an offer is accepted and when a confirmed request changes."""
    facts = request_facts(request)
    candidates, _ = load_candidates(request, facts, only=profile_id)
    if not candidates:
        return ["language"]
    buffer = timedelta(minutes=current_app.config["TRAVEL_BUFFER_MINUTES"])
    return broken_rules(candidates[0], facts, buffer)


def rank(request: SupportRequest) -> Ranking:
    facts = request_facts(request)
    candidates, people = load_candidates(request, facts)
    buffer = timedelta(minutes=current_app.config["TRAVEL_BUFFER_MINUTES"])
    # Volunteers who already hold an offer for this request are not offered it again.
    holding = set(
        db.session.scalars(
            select(Offer.profile_id).where(
                Offer.request_id == request.id, Offer.state.in_([OfferState.OFFERED, OfferState.ACCEPTED])
            )
        )
    )
    result = match(facts, candidates, buffer)
    ranked = tuple(r for r in result.ranked if r.candidate.profile_id not in holding)
    already_asked = len(result.ranked) - len(ranked)
    if already_asked:
        result = MatchResult(ranked, result.funnel, result.with_alternative, result.remotely)
    return Ranking(result, people, already_asked)


__all__ = ["Person", "Ranking", "load_candidates", "rank", "request_facts", "rules_broken", "slot_of"]
