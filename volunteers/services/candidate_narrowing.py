"""The cheap hard rules as SQL, so that the ranking loads only the speakers who may pass them.

Each step is a condition on a speaker's profile row that everyone who passes the rule in
`matching.SlotCheck.passes` meets: it only narrows what is loaded, and the rules in Python still
decide (tests/db/test_candidate_narrowing.py checks, on random volunteers and requests, that no
step drops anyone the rule would let through). Availability, gender, distance, exclusion from the
organisation and the monthly maximum say exactly what the rule says; bookings leave out only
those with an accepted assignment that starts within the slot and its buffers (an earlier, long
assignment is left to the rule).

`keep` runs them in one query over the pool the qualification prefilter found (a query of its
own: as more conditions on the pool's query, PostgreSQL planned 10-20 ms and chose worse joins).
Every condition is a scalar subquery correlated with the profile row and served by an index that
starts with the profile id (the grid's unique key, `absences.profile_id`,
`ix_offers_profile_state`, `exclusions.profile_id`): one probe per volunteer in the pool.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, case, false, func, literal, or_, select, text, true

from ..clock import BERLIN
from ..extensions import db
from ..models import Absence, AvailabilitySlot, Exclusion, Offer, Place, SupportRequest, VolunteerProfile
from ..models.enums import HardRule, Mobility, Mode, OfferState
from .id_lists import among
from .matching import SlotCheck, distance_km


@dataclass(frozen=True)
class Narrowing:
    """What the conditions are worked out from: the request and one slot's check."""

    request: SupportRequest
    check: SlotCheck

    @property
    def other_requests(self) -> ColumnElement[bool]:
        return SupportRequest.id != (self.request.id or 0)


def _first(*conditions: ColumnElement[bool]) -> ColumnElement[int]:
    # A scalar subquery, not EXISTS: PostgreSQL turns EXISTS into a semi-join and plans every
    # one of them into the join order (10-20 ms of planning, and worse plans); a scalar
    # subquery stays a filter probed once per speaker, as SQLite does anyway.
    return select(literal(1)).where(*conditions).limit(1).correlate(VolunteerProfile).scalar_subquery()


def _any(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    return _first(*conditions).is_not(None)


def _none(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    return _first(*conditions).is_(None)


def _available(n: Narrowing) -> ColumnElement[bool]:
    """Every grid cell the slot touches, and no absence on the day."""
    if n.check.needed is None:
        return false()
    cells = [
        _any(
            AvailabilitySlot.profile_id == VolunteerProfile.id,
            AvailabilitySlot.weekday == weekday,
            AvailabilitySlot.day_part == part,
        )
        for weekday, part in sorted(n.check.needed, key=lambda cell: (cell[0], cell[1].value))
    ]
    away = _none(
        Absence.profile_id == VolunteerProfile.id, Absence.starts_on <= n.check.day, Absence.ends_on >= n.check.day
    )
    return and_(*cells, away)


def _free(n: Narrowing) -> ColumnElement[bool]:
    """No accepted assignment of another request starting within the slot and its buffers
    (which certainly overlaps it; one that starts earlier is for the rule to judge)."""
    slot, buffer = n.check.slot, n.check.buffer
    return _none(
        Offer.profile_id == VolunteerProfile.id,
        Offer.state == OfferState.ACCEPTED,
        SupportRequest.id == Offer.request_id,
        n.other_requests,
        SupportRequest.starts_at >= slot.starts_at - buffer,
        SupportRequest.starts_at < slot.ends_at + buffer,
    )


def _under_monthly_maximum(n: Narrowing) -> ColumnElement[bool]:
    """Fewer accepted assignments of other requests in the slot's month (Europe/Berlin) than
    the volunteer's own maximum."""
    day = n.check.day
    first = datetime(day.year, day.month, 1, tzinfo=BERLIN)
    following = datetime(day.year + (day.month == 12), day.month % 12 + 1, 1, tzinfo=BERLIN)
    taken = (
        select(func.count())
        .select_from(Offer)
        .join(SupportRequest, SupportRequest.id == Offer.request_id)
        .where(
            Offer.profile_id == VolunteerProfile.id,
            Offer.state == OfferState.ACCEPTED,
            n.other_requests,
            SupportRequest.starts_at >= first,
            SupportRequest.starts_at < following,
        )
        .correlate(VolunteerProfile)
        .scalar_subquery()
    )
    return taken < VolunteerProfile.max_assignments_per_month


def _gender(n: Narrowing) -> ColumnElement[bool]:
    wanted = n.check.wanted_gender
    return true() if wanted is None else VolunteerProfile.gender == wanted


def _not_excluded(n: Narrowing) -> ColumnElement[bool]:
    """Not excluded from the whole organisation (exclusions from one client are for the rule:
    client references compare case-folded, which SQL's lower() does not match everywhere)."""
    return _none(
        Exclusion.profile_id == VolunteerProfile.id,
        Exclusion.organisation_id == n.request.organisation_id,
        or_(Exclusion.client_reference.is_(None), Exclusion.client_reference == ""),
    )


def _within_reach(n: Narrowing) -> ColumnElement[bool]:
    """On site: not remote only, and the request's place within the distance the volunteer
    travels from their home place. The distance from each place to the request's place is
    worked out here, as the rule does (the places are a few dozen rows)."""
    if n.check.mode is not Mode.ON_SITE:
        return true()
    travels = or_(VolunteerProfile.mobility.is_(None), VolunteerProfile.mobility != Mobility.REMOTE_ONLY)
    target = n.check.request.place
    if target is None:
        return travels
    located = db.session.execute(
        select(Place.id, Place.latitude, Place.longitude).where(
            Place.latitude.is_not(None), Place.longitude.is_not(None)
        )
    ).all()
    if not located:
        return travels
    away = case(
        {place.id: distance_km((place.latitude, place.longitude), target) for place in located},
        value=VolunteerProfile.home_place_id,
    )
    return and_(
        travels,
        or_(
            VolunteerProfile.home_place_id.is_(None),
            VolunteerProfile.max_travel_km.is_(None),
            VolunteerProfile.home_place_id.not_in([place.id for place in located]),
            VolunteerProfile.max_travel_km >= away,
        ),
    )


#: The rules decided (or narrowed) in SQL, each with its condition.
STEPS: Mapping[HardRule, Callable[[Narrowing], ColumnElement[bool]]] = {
    HardRule.AVAILABLE: _available,
    HardRule.FREE: _free,
    HardRule.MONTHLY_MAXIMUM: _under_monthly_maximum,
    HardRule.GENDER: _gender,
    HardRule.NOT_EXCLUDED: _not_excluded,
    HardRule.DISTANCE: _within_reach,
}


def conditions(
    request: SupportRequest, check: SlotCheck, rules: tuple[HardRule, ...] = tuple(STEPS)
) -> list[ColumnElement[bool]]:
    """The SQL conditions of `rules` (by default every step) for the slot of `check`."""
    narrowing = Narrowing(request, check)
    return [STEPS[rule](narrowing) for rule in rules]


def keep(ids: Sequence[int], request: SupportRequest, check: SlotCheck) -> set[int]:
    """Of the profiles `ids`, those who meet every step (one query). A query of its own, over
    the pool already found, and not more conditions on the pool's query: PostgreSQL then plans
    the pool's joins as before instead of guessing that almost nobody is left and hashing whole
    tables."""
    if not ids:
        return set()
    query = select(VolunteerProfile.id).where(among(VolunteerProfile.id, ids), *conditions(request, check))
    return set(db.session.connection().execute(query).scalars())


def without_jit() -> None:
    """On PostgreSQL, no compiling of queries to machine code for the rest of the transaction:
    the planner prices the pool's queries by the thousands of speakers they may probe and
    compiles them (30-100 ms here) for runs of 10-50 ms."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("SET LOCAL jit = off"))


__all__ = ["STEPS", "Narrowing", "conditions", "keep", "without_jit"]
