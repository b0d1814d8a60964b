"""Matching: who may be asked for a request, in which order, and why. Pure: plain facts in,
ranked candidates with their reasons out (the database part is services/candidates.py).

Hard rules, in this order (the funnel counts how many remain after each):
1. speaks the variety asked for (any level; the level is part of rule 3);
2. active;
3. may do this area and kind on the day (the qualification service: levels, trainings,
   declarations, police certificate, the extended one with minors);
4. available: the weekly pattern covers the whole slot, and no absence that day;
5. free: no accepted assignment overlapping the slot, with a travel buffer either side;
6. under their own monthly maximum;
7. the request's gender preference;
8. not excluded from this organisation or this client;
9. on site: not "remote only", and home within the distance they said they would travel.

Ranking of those who pass: a score from distance, fairness (assignments in the last 90 days),
language level, continuity (helped this client before) and reliability (share of offers
accepted). Ties are broken by the profile id, so the order never changes by chance.

Varieties (`accepted_languages`): a request for a language that has varieties (Arabic) accepts
speakers of the language itself and of every variety of it, at the best level they have among
them; a request for a variety (Levantine Arabic) accepts speakers of that variety only, not of
the language in general nor of another variety. Varieties are matched on their own; the
language in general is what an organisation asks for when any variety will do.

When nobody passes, the near misses: at the rule where nobody was left, those who passed every
rule before it, closest first, with every rule each one breaks.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from ..clock import BERLIN
from ..models.enums import DayPart, Gender, GenderPreference, HardRule, LanguageLevel, Mobility, Mode, RankingFactor

#: Weights of the ranking (a higher score comes first).
WEIGHT_PER_KM = -0.08
WEIGHT_PER_RECENT_ASSIGNMENT = -1.0
WEIGHT_PER_LEVEL = 0.5
WEIGHT_CONTINUITY = 3.0
WEIGHT_RELIABILITY = 2.0
#: Assumed for scoring when a distance cannot be known (no home place or no place).
UNKNOWN_DISTANCE_KM = 30.0
#: Assumed share of accepted offers for volunteers who have not answered any yet.
NEUTRAL_RELIABILITY = 0.5

#: The hard rules in the funnel's order.
RULES = tuple(HardRule)


def accepted_languages(requested: str, varieties: Mapping[str, Iterable[str]]) -> frozenset[str]:
    """The languages whose speakers a request for `requested` accepts; `varieties` maps a
    language to its varieties (see the module's docstring)."""
    return frozenset({requested, *varieties.get(requested, ())})


def best_level(levels: Mapping[str, LanguageLevel], accepted: Iterable[str]) -> LanguageLevel | None:
    """The volunteer's best level in any of the accepted languages; None if they speak none."""
    held = [levels[code] for code in accepted if code in levels]
    return max(held, key=lambda level: level.rank) if held else None


@dataclass(frozen=True)
class Slot:
    starts_at: datetime
    ends_at: datetime

    @property
    def local_start(self) -> datetime:
        return self.starts_at.astimezone(BERLIN)

    @property
    def local_end(self) -> datetime:
        return self.ends_at.astimezone(BERLIN)

    def overlaps(self, other: Slot, buffer: timedelta) -> bool:
        return other.starts_at - buffer < self.ends_at and self.starts_at < other.ends_at + buffer


@dataclass(frozen=True)
class RequestFacts:
    id: int | None
    language_code: str
    mode: Mode
    slot: Slot
    place: tuple[float, float] | None
    gender_preference: GenderPreference
    organisation_id: int
    client_reference: str
    alternative: Slot | None = None
    #: The language and, if it has any, its varieties (`accepted_languages`).
    accepted_languages: frozenset[str] = frozenset()


# Candidates and their rankings are built by the thousand: slotted, not frozen (frozen dataclasses
# are five times slower to build). Nothing changes them after they are made.
@dataclass(slots=True)
class Candidate:
    profile_id: int
    active: bool
    level: LanguageLevel | None
    #: Whether the qualification service said yes, per day asked about.
    qualified_on: Mapping[date, bool] = field(default_factory=dict)
    weekly: frozenset[tuple[int, DayPart]] = frozenset()
    absences: tuple[tuple[date, date], ...] = ()
    #: Accepted assignments (other requests).
    busy: tuple[Slot, ...] = ()
    #: Accepted assignments per (year, month) in Europe/Berlin.
    per_month: Mapping[tuple[int, int], int] = field(default_factory=dict)
    max_per_month: int = 4
    gender: Gender = Gender.NOT_STATED
    excluded_organisations: frozenset[int] = frozenset()
    excluded_clients: frozenset[tuple[int, str]] = frozenset()
    mobility: Mobility | None = None
    home: tuple[float, float] | None = None
    max_travel_km: int | None = None
    assignments_last_90_days: int = 0
    helped_client_before: bool = False
    offers_accepted: int = 0
    offers_answered: int = 0


@dataclass(slots=True)
class Reason:
    """Why a candidate ranks where they do; rendered in the reader's language."""

    kind: RankingFactor
    value: object = None


@dataclass(slots=True)
class Ranked:
    candidate: Candidate
    score: float
    distance_km: float | None
    reasons: tuple[Reason, ...]


@dataclass(slots=True)
class NearMiss:
    """Someone who passes every rule up to the one where nobody was left, and what they lack."""

    candidate: Candidate
    #: Every hard rule they break, in the order of RULES (the first is the one nobody passed).
    lacks: tuple[HardRule, ...]
    #: How far off: the rules broken, with each qualification gap (a training, a declaration,
    #: the police certificate) counted on its own.
    distance: int
    score: float


#: How many near misses a request page shows.
NEAR_MISSES_SHOWN = 10


@dataclass(frozen=True)
class MatchResult:
    ranked: tuple[Ranked, ...]
    #: (rule, how many remain after it), in the order of RULES (candidates.rank leaves it
    #: empty when someone passes every rule: it is shown only when nobody does).
    funnel: tuple[tuple[HardRule, int], ...]
    #: When nobody qualifies: how many would for the alternative slot, or remotely.
    with_alternative: int | None = None
    remotely: int | None = None


def client_key(reference: str) -> str:
    """Client references compare without regard to case: K-2026-017 is k-2026-017."""
    return reference.strip().casefold()


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Straight-line (great-circle) distance in kilometres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def day_parts_needed(slot: Slot) -> frozenset[tuple[int, DayPart]] | None:
    """The cells of the weekly grid the slot touches; None if it reaches outside 8–21 h or
    over midnight (nobody has said they are available then)."""
    start, end = slot.local_start, slot.local_end
    if start.date() != end.date():
        return None
    if start.time() < DayPart.MORNING.hours[0] or end.time() > DayPart.EVENING.hours[1]:
        return None
    needed = frozenset(
        (start.weekday(), part) for part in DayPart if start.time() < part.hours[1] and part.hours[0] < end.time()
    )
    return needed or None


@dataclass(frozen=True)
class SlotCheck:
    """What every candidate is checked against for one slot and mode, worked out once."""

    request: RequestFacts
    slot: Slot
    mode: Mode
    buffer: timedelta
    day: date
    needed: frozenset[tuple[int, DayPart]] | None
    client: tuple[int, str]
    wanted_gender: Gender | None

    @classmethod
    def of(
        cls, request: RequestFacts, slot: Slot, mode: Mode | None = None, buffer: timedelta = timedelta(minutes=30)
    ) -> SlotCheck:
        wanted = {GenderPreference.FEMALE: Gender.FEMALE, GenderPreference.MALE: Gender.MALE}
        return cls(
            request,
            slot,
            mode or request.mode,
            buffer,
            slot.local_start.date(),
            day_parts_needed(slot),
            (request.organisation_id, client_key(request.client_reference)),
            wanted.get(request.gender_preference),
        )

    def available(self, weekly: frozenset[tuple[int, DayPart]], absences: Sequence[tuple[date, date]]) -> bool:
        """The weekly pattern covers the whole slot, and no absence that day."""
        if self.needed is None or not self.needed <= weekly:
            return False
        return not any(first <= self.day <= last for first, last in absences)

    def passes(self, rule: HardRule, c: Candidate) -> bool:
        day = self.day
        match rule:
            case HardRule.LANGUAGE:
                return c.level is not None
            case HardRule.ACTIVE:
                return c.active
            case HardRule.QUALIFIED:
                return c.qualified_on.get(day, False)
            case HardRule.AVAILABLE:
                return self.available(c.weekly, c.absences)
            case HardRule.FREE:
                return not any(self.slot.overlaps(other, self.buffer) for other in c.busy)
            case HardRule.MONTHLY_MAXIMUM:
                return c.per_month.get((day.year, day.month), 0) < c.max_per_month
            case HardRule.GENDER:
                return self.wanted_gender is None or c.gender is self.wanted_gender
            case HardRule.NOT_EXCLUDED:
                return self.request.organisation_id not in c.excluded_organisations and self.client not in {
                    (organisation, client_key(reference)) for organisation, reference in c.excluded_clients
                }
            case HardRule.DISTANCE:
                if self.mode is not Mode.ON_SITE:
                    return True
                if c.mobility is Mobility.REMOTE_ONLY:
                    return False
                if self.request.place is None or c.home is None or c.max_travel_km is None:
                    return True  # nothing said or nothing to measure: no reason to leave them out
                return distance_km(c.home, self.request.place) <= c.max_travel_km
        raise ValueError(rule)


def _rank(c: Candidate, request: RequestFacts, mode: Mode) -> Ranked:
    km = None
    if mode is Mode.ON_SITE and request.place is not None and c.home is not None:
        km = distance_km(c.home, request.place)
    reliability = c.offers_accepted / c.offers_answered if c.offers_answered else None
    level_rank = c.level.rank if c.level else 0
    score = (
        WEIGHT_PER_KM * (km if km is not None else (UNKNOWN_DISTANCE_KM if mode is Mode.ON_SITE else 0.0))
        + WEIGHT_PER_RECENT_ASSIGNMENT * c.assignments_last_90_days
        + WEIGHT_PER_LEVEL * level_rank
        + WEIGHT_CONTINUITY * c.helped_client_before
        + WEIGHT_RELIABILITY * (reliability if reliability is not None else NEUTRAL_RELIABILITY)
    )
    reasons = []
    if c.helped_client_before:
        reasons.append(Reason(RankingFactor.CONTINUITY))
    if mode is Mode.ON_SITE:
        reasons.append(Reason(RankingFactor.DISTANCE, round(km) if km is not None else None))
    reasons.append(Reason(RankingFactor.RECENT, c.assignments_last_90_days))
    reasons.append(Reason(RankingFactor.LEVEL, c.level))
    if reliability is not None:
        reasons.append(Reason(RankingFactor.RELIABILITY, (c.offers_accepted, c.offers_answered)))
    return Ranked(c, round(score, 6), km, tuple(reasons))


def _funnel(
    candidates: Sequence[Candidate],
    request: RequestFacts,
    slot: Slot,
    mode: Mode,
    buffer: timedelta,
    counted: Sequence[tuple[HardRule, int]] = (),
) -> tuple[list[Candidate], list[tuple[HardRule, int]]]:
    check = SlotCheck.of(request, slot, mode, buffer)
    remaining = list(candidates)
    counts = list(counted)
    for rule in RULES[len(counted) :]:
        remaining = [c for c in remaining if check.passes(rule, c)]
        counts.append((rule, len(remaining)))
    return remaining, counts


def dropped_at(funnel: Sequence[tuple[HardRule, int]]) -> HardRule | None:
    """The rule after which nobody was left; None when someone passes every rule."""
    return next((rule for rule, left in funnel if left == 0), None)


def near_misses(
    request: RequestFacts,
    candidates: Sequence[Candidate],
    rule: HardRule,
    buffer: timedelta = timedelta(minutes=30),
    qualification_gaps: Mapping[int, int] | None = None,
    limit: int = NEAR_MISSES_SHOWN,
) -> tuple[NearMiss, ...]:
    """Of `candidates`, those who pass every rule before `rule` and not `rule` itself, closest
    first (fewest gaps), then as the ranking would order them. `qualification_gaps` says how
    many things the qualification service found missing per profile (not counting the status,
    which is the rule "active"); one when not known."""
    if rule not in RULES or rule == RULES[0]:
        return ()  # nobody speaks the variety: there is nobody to name
    gaps = qualification_gaps or {}
    check = SlotCheck.of(request, request.slot, request.mode, buffer)
    found = []
    for c in candidates:
        lacks = tuple(other for other in RULES if not check.passes(other, c))
        if not lacks or lacks[0] != rule:
            continue
        distance = sum(1 for other in lacks if other is not HardRule.QUALIFIED)
        if HardRule.QUALIFIED in lacks:
            distance += gaps.get(c.profile_id, 1)
        found.append(NearMiss(c, lacks, distance, _rank(c, request, request.mode).score))
    found.sort(key=lambda n: (n.distance, -n.score, n.candidate.profile_id))
    return tuple(found[:limit])


def broken_rules(c: Candidate, request: RequestFacts, buffer: timedelta = timedelta(minutes=30)) -> list[HardRule]:
    """Every hard rule one candidate breaks for the request's slot, in the order of RULES."""
    check = SlotCheck.of(request, request.slot, request.mode, buffer)
    return [rule for rule in RULES if not check.passes(rule, c)]


def match(
    request: RequestFacts,
    candidates: Sequence[Candidate],
    buffer: timedelta = timedelta(minutes=30),
    counted: Sequence[tuple[HardRule, int]] = (),
) -> MatchResult:
    """Ranks the candidates who pass every hard rule. `counted` holds the funnel's first rules
    when the database has already applied them (how many remained after each); `candidates`
    are then only those who passed them."""
    if tuple(rule for rule, _ in counted) != RULES[: len(counted)]:
        raise ValueError(counted)
    passed, funnel = _funnel(candidates, request, request.slot, request.mode, buffer, counted)
    ranked = sorted(
        (_rank(c, request, request.mode) for c in passed),
        key=lambda r: (-r.score, r.candidate.profile_id),
    )
    with_alternative = remotely = None
    if not ranked:
        if request.alternative is not None:
            alternative = replace(request, slot=request.alternative)
            with_alternative = len(_funnel(candidates, alternative, request.alternative, request.mode, buffer)[0])
        if request.mode is Mode.ON_SITE:
            remotely = len(_funnel(candidates, request, request.slot, Mode.PHONE, buffer)[0])
    return MatchResult(tuple(ranked), tuple(funnel), with_alternative, remotely)
