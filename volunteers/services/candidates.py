"""The database side of matching: gathers the facts about everyone who speaks the requested
variety, in a fixed number of queries, and hands them to the pure `matching.match`.

The query narrows first: only speakers of the variety (not retired) are loaded; the qualification
service runs only for the active ones; availability and the other facts only for the qualified.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol, TypeVarTuple

from flask import current_app
from sqlalchemy import ColumnElement, Select, and_, case, func, select
from sqlalchemy.orm import aliased

from ..extensions import db
from ..models import (
    Offer,
    Place,
    SupportRequest,
    User,
    VolunteerLanguage,
    VolunteerProfile,
)
from ..models.enums import (
    Gender,
    HardRule,
    LanguageLevel,
    Mobility,
    OfferState,
    QualificationRule,
    VolunteerStatus,
)
from . import candidate_narrowing as narrowing
from . import eligibility
from .candidate_facts import Absences, Details, Weekly, load_availability, load_details
from .id_lists import among
from .languages import accepted_for
from .matching import (
    Candidate,
    MatchResult,
    RequestFacts,
    Slot,
    SlotCheck,
    broken_rules,
    dropped_at,
    match,
)
from .matching import near_misses as closest_misses
from .qualification_rules import Failure, Rulebook, Verdict, VolunteerFacts, evaluate


def slot_of(request: SupportRequest, starts_at: datetime | None = None) -> Slot:
    start = starts_at or request.starts_at
    return Slot(start, start + timedelta(minutes=request.duration_minutes))


def request_facts(request: SupportRequest) -> RequestFacts:
    place = request.place
    coordinates = (
        (place.latitude, place.longitude)
        if place and place.latitude is not None and place.longitude is not None
        else None
    )
    return RequestFacts(
        accepted_languages=accepted_for(request.language_code),
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


class SpeakerRow(Protocol):
    """A row of `_speakers_query`: what the rules need to know of a speaker from their profile."""

    id: int
    status: VolunteerStatus
    account_active: bool
    level: LanguageLevel
    german_level: LanguageLevel | None
    offers_area: bool
    offers_kind: bool
    gender: Gender
    mobility: Mobility | None
    max_travel_km: int | None
    max_assignments_per_month: int
    latitude: float | None
    longitude: float | None


@dataclass(frozen=True)
class Ranking:
    result: MatchResult
    people: dict[int, Person]
    #: Volunteers who pass every rule but already hold an offer for this request.
    already_asked: int = 0
    #: When nobody passes: everyone the funnel was counted over (the near misses start there).
    loaded: tuple[Candidate, ...] = ()


@dataclass(frozen=True)
class NearMissView:
    """A near miss as the request page shows it: who, the rules broken, and what the
    qualification service found missing (eligibility failures, with their explanations)."""

    person: Person
    lacks: tuple[HardRule, ...]
    gaps: tuple[Failure, ...]


def _days(facts: RequestFacts) -> list[date]:
    slots = [facts.slot] + ([facts.alternative] if facts.alternative else [])
    return sorted({slot.local_start.date() for slot in slots})


def load_candidates(
    request: SupportRequest, facts: RequestFacts, only: int | None = None
) -> tuple[list[Candidate], tuple[tuple[HardRule, int], ...]]:
    """The candidates for a request, and the funnel's first rules as the database counted them.

    Each step loads only for those who passed the step before. The database counts who speaks
    the variety and who of them is active, and returns only those the qualification service
    could say yes to; availability is loaded for the qualified; everything the later rules and
    the ranking need, for those available on one of the slots asked about. With `only`, the one
    profile is loaded whole, so that every rule it breaks can be named."""
    rulebook = eligibility.load_rulebook(request.area, request.kind)
    if only is not None:
        query = _speakers_query(request, facts).where(VolunteerProfile.id == only)
        # The last column says whether the qualification service could say yes.
        loaded = db.session.connection().execute(query.add_columns(_could_qualify(rulebook))).all()
        rows: Sequence[SpeakerRow] = loaded
        pool: Sequence[SpeakerRow] = [row for row in loaded if row[-1]]
        counted: tuple[tuple[HardRule, int], ...] = ()
    else:
        active = and_(VolunteerProfile.status == VolunteerStatus.ACTIVE, User.active.is_(True))
        speakers, active_speakers = (
            db.session.connection()
            .execute(_speaking(select(func.count(), func.coalesce(func.sum(case((active, 1), else_=0)), 0)), facts))
            .one()
        )
        counted = ((HardRule.LANGUAGE, speakers), (HardRule.ACTIVE, int(active_speakers)))
        rows = pool = _pool(request, facts, rulebook)
    days = _days(facts)
    qualified = _qualify(request, facts, rulebook, pool, days)
    ids = [pid for pid, by_day in qualified.items() if any(by_day.values())]
    weekly, absences = load_availability(ids, days)
    if only is None:
        checks = [SlotCheck.of(facts, slot) for slot in (facts.slot, facts.alternative) if slot is not None]
        ids = [pid for pid in ids if any(check.available(weekly[pid], absences[pid]) for check in checks)]
    details = load_details(ids, request, facts, days)
    return [_candidate(row, qualified.get(row.id), weekly, absences, details) for row in rows], counted


def quick_candidates(request: SupportRequest, facts: RequestFacts, buffer: timedelta) -> list[Candidate]:
    """Everyone who may be offered the request, found with the cheap rules first and the
    qualification service (the costliest) last, for those still left. The same people the
    counted way finds, but without the funnel's counts: the page needs them only when nobody
    passes (and then `load_candidates` runs)."""
    rulebook = eligibility.load_rulebook(request.area, request.kind)
    day = facts.slot.local_start.date()
    check = SlotCheck.of(facts, facts.slot, buffer=buffer)
    rows = _pool(request, facts, rulebook)
    kept = narrowing.keep([row.id for row in rows], request, check)
    rows = [row for row in rows if row.id in kept]
    weekly, absences = load_availability([row.id for row in rows], [day])

    def passing(
        remaining: Sequence[SpeakerRow], rules: Iterable[HardRule], details: Mapping[int, Details]
    ) -> list[SpeakerRow]:
        kept = []
        for row in remaining:
            candidate = _candidate(row, {}, weekly, absences, details)
            if all(check.passes(rule, candidate) for rule in rules):
                kept.append(row)
        return kept

    rows = passing(rows, (HardRule.AVAILABLE, HardRule.GENDER, HardRule.DISTANCE), {})
    details = load_details([row.id for row in rows], request, facts, [day])
    rows = passing(rows, (HardRule.FREE, HardRule.MONTHLY_MAXIMUM, HardRule.NOT_EXCLUDED), details)
    qualified = _qualify(request, facts, rulebook, rows, [day])
    return [_candidate(row, qualified.get(row.id, {}), weekly, absences, details) for row in rows]


def _could_qualify(rulebook: Rulebook) -> ColumnElement[bool]:
    """Whether the qualification service could say yes at all (see eligibility.may_pass)."""
    return and_(User.active.is_(True), *eligibility.may_pass(rulebook, VolunteerLanguage.level))


def _pool(request: SupportRequest, facts: RequestFacts, rulebook: Rulebook) -> Sequence[SpeakerRow]:
    """The speakers the qualification service could say yes to, with their profile rows."""
    query = _speakers_query(request, facts).where(_could_qualify(rulebook))
    return db.session.connection().execute(query).all()


def _qualify(
    request: SupportRequest,
    facts: RequestFacts,
    rulebook: Rulebook,
    rows: Sequence[SpeakerRow],
    days: list[date],
    verdicts: dict[int, Verdict] | None = None,
) -> dict[int, dict[date, bool]]:
    """The qualification service's answer for each of `rows`, per day (and its verdicts on the
    first day into `verdicts`, if given)."""
    qualified: dict[int, dict[date, bool]] = defaultdict(dict)
    if rows:
        for volunteer in _eligibility_facts(request, facts, rows, rulebook):
            for day in days:
                verdict = evaluate(volunteer, rulebook, day, facts.language_code, request.minors_involved)
                qualified[volunteer.profile_id][day] = verdict.allowed
                if verdicts is not None and day == days[0]:
                    verdicts[volunteer.profile_id] = verdict
    return qualified


def _candidate(
    row: SpeakerRow,
    qualified_on: Mapping[date, bool] | None,
    weekly: Weekly,
    absences: Absences,
    details: Mapping[int, Details],
) -> Candidate:
    active = row.status is VolunteerStatus.ACTIVE and row.account_active
    if qualified_on is None:  # out at an earlier rule: the rest is never looked at
        return Candidate(profile_id=row.id, active=active, level=row.level)
    return Candidate(
        profile_id=row.id,
        active=active,
        level=row.level,
        qualified_on=qualified_on,
        weekly=weekly.get(row.id, frozenset()),
        absences=absences.get(row.id, ()),
        max_per_month=row.max_assignments_per_month,
        gender=row.gender,
        mobility=row.mobility,
        home=(row.latitude, row.longitude) if row.latitude is not None and row.longitude is not None else None,
        max_travel_km=row.max_travel_km,
        **details.get(row.id, {}),
    )


def _eligibility_facts(
    request: SupportRequest, facts: RequestFacts, pool: Sequence[SpeakerRow], rulebook: Rulebook
) -> list[VolunteerFacts]:
    """What the qualification service needs, for the pool: the rows already say the status,
    German level, level of the language and whether this area and kind are offered; the
    trainings that can count, declarations and police certificates come from the database."""
    held = eligibility.load_held([row.id for row in pool], rulebook.relevant_type_ids())
    return [
        VolunteerFacts(
            profile_id=row.id,
            status=row.status,
            areas=frozenset({request.area}) if row.offers_area else frozenset(),
            kinds=frozenset({request.kind}) if row.offers_kind else frozenset(),
            german_level=row.german_level,
            languages={facts.language_code: row.level},
            **held.get(row.id, {}),
        )
        for row in pool
    ]


Columns = TypeVarTuple("Columns")


def _speaking(query: Select[*Columns], facts: RequestFacts) -> Select[*Columns]:
    """`query` over the volunteers (not retired) who speak the variety, with their accounts:
    one row each, with their best level among the accepted languages (matching.accepted_languages)."""
    accepted = sorted(facts.accepted_languages or {facts.language_code})
    query = (
        query.select_from(VolunteerLanguage)
        .join(VolunteerProfile, VolunteerLanguage.profile_id == VolunteerProfile.id)
        .join(User, VolunteerProfile.user_id == User.id)
        .where(VolunteerProfile.status != VolunteerStatus.RETIRED)
    )
    if len(accepted) == 1:
        return query.where(VolunteerLanguage.language_code == accepted[0])
    other = aliased(VolunteerLanguage)
    best = (
        select(other.id)
        .where(other.profile_id == VolunteerLanguage.profile_id, other.language_code.in_(accepted))
        .order_by(case({level.value: level.rank for level in LanguageLevel}, value=other.level).desc(), other.id)
        .limit(1)
        .correlate(VolunteerLanguage)
        .scalar_subquery()
    )
    return query.where(VolunteerLanguage.language_code.in_(accepted), VolunteerLanguage.id == best)


def _speakers_query(request: SupportRequest, facts: RequestFacts) -> Select:
    """What the rules need to know of each speaker that their profile row says."""
    columns = select(
        VolunteerProfile.id,
        VolunteerProfile.status,
        User.active.label("account_active"),
        VolunteerLanguage.level,
        VolunteerProfile.german_level,
        getattr(VolunteerProfile, f"area_{request.area.value}").label("offers_area"),
        getattr(VolunteerProfile, f"kind_{request.kind.value}").label("offers_kind"),
        VolunteerProfile.gender,
        VolunteerProfile.mobility,
        VolunteerProfile.max_travel_km,
        VolunteerProfile.max_assignments_per_month,
        Place.latitude,
        Place.longitude,
    )
    return _speaking(columns, facts).outerjoin(Place, VolunteerProfile.home_place_id == Place.id)


def people(profile_ids: list[int]) -> dict[int, Person]:
    """Names and home places of the volunteers a page lists (one query)."""
    if not profile_ids:
        return {}
    rows = db.session.execute(
        select(VolunteerProfile.id, User.given_name, User.family_name, Place.name)
        .join(User, VolunteerProfile.user_id == User.id)
        .outerjoin(Place, VolunteerProfile.home_place_id == Place.id)
        .where(among(VolunteerProfile.id, profile_ids))
    )
    return {row.id: Person(row.id, row.given_name, row.family_name, row.name) for row in rows}


def rules_broken(request: SupportRequest, profile_id: int) -> list[HardRule]:
    """The hard rules one volunteer breaks for the request as it is now (empty: none), checked
    again when an offer is accepted and when a confirmed request changes."""
    facts = request_facts(request)
    candidates, _ = load_candidates(request, facts, only=profile_id)
    if not candidates:
        return [HardRule.LANGUAGE]
    buffer = timedelta(minutes=current_app.config["TRAVEL_BUFFER_MINUTES"])
    return broken_rules(candidates[0], facts, buffer)


def rank(request: SupportRequest, named: int | None = None) -> Ranking:
    """The ranked candidates. The funnel (how many remained after each rule) is counted only
    when nobody passes, which is when the page shows it. `named`: how many of the best the
    page lists (their names and places are loaded); all of them when None."""
    facts = request_facts(request)
    buffer = timedelta(minutes=current_app.config["TRAVEL_BUFFER_MINUTES"])
    narrowing.without_jit()
    result = match(facts, quick_candidates(request, facts, buffer), buffer)
    loaded: tuple[Candidate, ...] = ()
    if result.ranked:
        result = MatchResult(result.ranked, funnel=())
    else:
        candidates, counted = load_candidates(request, facts)
        result = match(facts, candidates, buffer, counted)
        loaded = tuple(candidates)
    # Volunteers who already hold an offer for this request are not offered it again.
    holding = set(
        db.session.scalars(
            select(Offer.profile_id).where(Offer.request_id == request.id, Offer.state.in_(OfferState.live()))
        )
    )
    ranked = tuple(r for r in result.ranked if r.candidate.profile_id not in holding)
    already_asked = len(result.ranked) - len(ranked)
    if already_asked:
        result = MatchResult(ranked, result.funnel, result.with_alternative, result.remotely)
    listed = result.ranked if named is None else result.ranked[:named]
    return Ranking(result, people([r.candidate.profile_id for r in listed]), already_asked, loaded)


#: At most this many volunteers are weighed as near misses (the closest of them are shown).
NEAR_MISS_POOL = 300


def near_misses(request: SupportRequest, ranking: Ranking) -> tuple[NearMissView, ...]:
    """When nobody passes: at the rule where nobody was left, the volunteers who passed every
    rule before it, closest first, each with what they lack. Loaded in a fixed number of
    queries, and only for a page where nobody passes: the ranking itself is not slowed."""
    rule = dropped_at(ranking.result.funnel)
    if rule in (None, HardRule.LANGUAGE) or ranking.result.ranked or ranking.already_asked:
        return ()
    facts = request_facts(request)
    day = facts.slot.local_start.date()
    active = and_(VolunteerProfile.status == VolunteerStatus.ACTIVE, User.active.is_(True))
    query = _speakers_query(request, facts)
    if rule is HardRule.ACTIVE:
        query = query.where(~active)
    elif rule is HardRule.QUALIFIED:
        query = query.where(active)
    else:  # a later rule: those the qualification service said yes to
        query = query.where(
            among(VolunteerProfile.id, [c.profile_id for c in ranking.loaded if c.qualified_on.get(day)])
        )
    rows = db.session.connection().execute(query.order_by(VolunteerProfile.id).limit(NEAR_MISS_POOL)).all()
    verdicts: dict[int, Verdict] = {}
    qualified = _qualify(request, facts, eligibility.load_rulebook(request.area, request.kind), rows, [day], verdicts)
    ids = [row.id for row in rows]
    weekly, absences = load_availability(ids, [day])
    details = load_details(ids, request, facts, [day])
    loaded = [_candidate(row, qualified.get(row.id, {day: False}), weekly, absences, details) for row in rows]
    gaps = {
        pid: sum(f.rule is not QualificationRule.STATUS for f in verdict.failures) for pid, verdict in verdicts.items()
    }
    buffer = timedelta(minutes=current_app.config["TRAVEL_BUFFER_MINUTES"])
    found = closest_misses(facts, loaded, rule, buffer, gaps)
    named = people([miss.candidate.profile_id for miss in found])
    return tuple(
        NearMissView(named[miss.candidate.profile_id], miss.lacks, verdicts[miss.candidate.profile_id].failures)
        for miss in found
    )


__all__ = [
    "NearMissView",
    "Person",
    "Ranking",
    "load_candidates",
    "near_misses",
    "people",
    "quick_candidates",
    "rank",
    "request_facts",
    "rules_broken",
    "slot_of",
]
