"""What the later rules and the ranking need to know of the volunteers still in the running
(services/candidates.py narrows to them first): availability, bookings, exclusions and their
history of answered offers, each for all of them in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import TypedDict

from sqlalchemy import and_, case, func, select

from ..clock import BERLIN
from ..extensions import db
from ..models import Absence, AvailabilitySlot, Exclusion, Offer, SupportRequest
from ..models.enums import DayPart, OfferState
from .id_lists import among
from .matching import RequestFacts, Slot, client_key

FAIRNESS_DAYS = 90

#: Profile id -> the weekly grid cells (weekday, part of the day) the volunteer is available in.
Weekly = dict[int, frozenset[tuple[int, DayPart]]]
#: Profile id -> the absences (first day, last day).
Absences = dict[int, tuple[tuple[date, date], ...]]


class Details(TypedDict, total=False):
    """What matching.Candidate knows beyond the profile and availability, as its keyword arguments."""

    busy: tuple[Slot, ...]
    per_month: dict[tuple[int, int], int]
    excluded_organisations: frozenset[int]
    excluded_clients: frozenset[tuple[int, str]]
    assignments_last_90_days: int
    helped_client_before: bool
    offers_accepted: int
    offers_answered: int


def load_availability(ids: list[int], days: list[date]) -> tuple[Weekly, Absences]:
    """The weekly grid cells on the weekdays asked about, and the absences on the days."""
    weekly: Weekly = {}
    absences: Absences = {}
    if not ids:
        return weekly, absences
    connection = db.session.connection()
    cells: defaultdict[int, set[tuple[int, DayPart]]] = defaultdict(set)
    for cell in connection.execute(
        select(AvailabilitySlot.profile_id, AvailabilitySlot.weekday, AvailabilitySlot.day_part).where(
            among(AvailabilitySlot.profile_id, ids), AvailabilitySlot.weekday.in_({day.weekday() for day in days})
        )
    ):
        cells[cell.profile_id].add((cell.weekday, cell.day_part))
    away: defaultdict[int, list[tuple[date, date]]] = defaultdict(list)
    for absence in connection.execute(
        select(Absence.profile_id, Absence.starts_on, Absence.ends_on).where(
            among(Absence.profile_id, ids), Absence.ends_on >= min(days), Absence.starts_on <= max(days)
        )
    ):
        away[absence.profile_id].append((absence.starts_on, absence.ends_on))
    for profile_id in ids:
        weekly[profile_id] = frozenset(cells[profile_id])
        absences[profile_id] = tuple(away[profile_id])
    return weekly, absences


def load_details(ids: list[int], request: SupportRequest, facts: RequestFacts, days: list[date]) -> dict[int, Details]:
    """For those still in the running: bookings, exclusions and the ranking's facts (three queries)."""
    if not ids:
        return {}
    connection = db.session.connection()
    # Accepted assignments of other requests: overlaps near the days, counts per month.
    first_month = datetime(min(days).year, min(days).month, 1, tzinfo=BERLIN)
    last = max(days)
    after_last_month = datetime(last.year + (last.month == 12), last.month % 12 + 1, 1, tzinfo=BERLIN)
    window_start = min(first_month, datetime.combine(min(days), datetime.min.time(), BERLIN) - timedelta(days=1))
    busy: defaultdict[int, list[Slot]] = defaultdict(list)
    per_month: defaultdict[int, defaultdict[tuple[int, int], int]] = defaultdict(lambda: defaultdict(int))
    assignments = (
        select(Offer.profile_id, SupportRequest.starts_at, SupportRequest.duration_minutes)
        .join(SupportRequest, Offer.request_id == SupportRequest.id)
        .where(
            among(Offer.profile_id, ids),
            Offer.state == OfferState.ACCEPTED,
            SupportRequest.id != (request.id or 0),
            SupportRequest.starts_at >= window_start,
            SupportRequest.starts_at < after_last_month + timedelta(days=1),
        )
    )
    for assignment in connection.execute(assignments):
        slot = Slot(assignment.starts_at, assignment.starts_at + timedelta(minutes=assignment.duration_minutes))
        busy[assignment.profile_id].append(slot)
        local = slot.local_start
        per_month[assignment.profile_id][(local.year, local.month)] += 1

    excluded_organisations: defaultdict[int, set[int]] = defaultdict(set)
    excluded_clients: defaultdict[int, set[tuple[int, str]]] = defaultdict(set)
    for exclusion in connection.execute(
        select(Exclusion.profile_id, Exclusion.organisation_id, Exclusion.client_reference).where(
            among(Exclusion.profile_id, ids), Exclusion.organisation_id == request.organisation_id
        )
    ):
        if exclusion.client_reference:
            excluded_clients[exclusion.profile_id].add(
                (exclusion.organisation_id, client_key(exclusion.client_reference))
            )
        else:
            excluded_organisations[exclusion.profile_id].add(exclusion.organisation_id)

    # Fairness, continuity and reliability, from the volunteers' answered offers in one pass.
    since = facts.slot.starts_at - timedelta(days=FAIRNESS_DAYS)
    accepted = Offer.state == OfferState.ACCEPTED
    recent_assignment = and_(
        accepted, SupportRequest.starts_at >= since, SupportRequest.starts_at < facts.slot.starts_at
    )
    same_client = and_(
        accepted,
        SupportRequest.organisation_id == request.organisation_id,
        func.lower(SupportRequest.client_reference) == request.client_reference.strip().lower(),
        SupportRequest.id != (request.id or 0),
    )
    history = {
        row.profile_id: row
        for row in connection.execute(
            select(
                Offer.profile_id,
                func.sum(case((recent_assignment, 1), else_=0)).label("recent"),
                func.max(case((same_client, 1), else_=0)).label("helped"),
                func.sum(case((accepted, 1), else_=0)).label("accepted"),
                func.count(Offer.id).label("answered"),
            )
            .join(SupportRequest, Offer.request_id == SupportRequest.id)
            .where(among(Offer.profile_id, ids), Offer.state.in_(OfferState.answered()))
            .group_by(Offer.profile_id)
        )
    }

    def known(profile_id: int) -> Details:
        row = history.get(profile_id)
        return {
            "busy": tuple(busy[profile_id]),
            "per_month": dict(per_month[profile_id]),
            "excluded_organisations": frozenset(excluded_organisations[profile_id]),
            "excluded_clients": frozenset(excluded_clients[profile_id]),
            "assignments_last_90_days": int(row.recent) if row else 0,
            "helped_client_before": bool(row and row.helped),
            "offers_accepted": int(row.accepted) if row else 0,
            "offers_answered": int(row.answered) if row else 0,
        }

    return {profile_id: known(profile_id) for profile_id in ids}
