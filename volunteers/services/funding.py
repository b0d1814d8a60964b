"""The funding limits where people meet them: the candidates an offer would push past a
volunteer's limit are flagged on the request page (weighed only for the rows shown, in a fixed
number of queries); an acceptance that would pass a limit is refused unless a coordinator
overrode it for that offer, or, for the client's funded assignments, made an exception for the
request. Overrides and exceptions need a reason and are audited and kept in the history.
The arithmetic is in services/limits.py, the database side in services/compensation.py."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import select

from ..db_types import utcnow
from ..extensions import db
from ..models import Offer, SupportRequest, User, VolunteerProfile
from ..models.enums import Actor, LimitNote, OfferState
from . import ServiceError, audit, compensation, transitions
from .id_lists import among
from .limits import Crossing, LimitKind, Limits, Worked, amount_cents, crossings, rule_on
from .transitions import By


@dataclass(frozen=True)
class Flag:
    """A limit one more assignment would pass: where the volunteer stands (`so_far`), where
    they would stand (`after`), the limit, and the appointment's day (its week, its year)."""

    kind: LimitKind
    limit: float
    after: float
    so_far: float
    day: date


def flags(request: SupportRequest, profile_ids: Iterable[int]) -> dict[int, list[Flag]]:
    """The volunteer limits the request would push each volunteer past (the client's cap is the
    request's, shown once). Four queries, however many volunteers: call it for the rows shown."""
    ids = list(dict.fromkeys(profile_ids))
    if not ids:
        return {}
    profiles = db.session.execute(
        select(VolunteerProfile.id, VolunteerProfile.programme, VolunteerProfile.tax_allowance).where(
            among(VolunteerProfile.id, ids)
        )
    ).all()
    by_programme = compensation.rules_by_programme()
    rules_of = {row.id: by_programme[row.programme] for row in profiles}
    day = compensation.day_of(request.starts_at)
    so_far = compensation.totals_of(rules_of, day)
    planned = Worked(day=day, minutes=request.duration_minutes)
    found = {}
    for row in profiles:
        rule = rule_on(rules_of[row.id], day)
        limits = Limits(
            weekly_hours=rule.weekly_hours if rule else None,
            yearly_hours=rule.yearly_hours if rule else None,
            yearly_allowance_cents=compensation.ALLOWANCE_CENTS[row.tax_allowance],
        )
        totals = so_far[row.id]
        before = {
            LimitKind.WEEKLY_HOURS: totals.week_hours,
            LimitKind.YEARLY_HOURS: totals.year_hours,
            LimitKind.TAX_FREE_ALLOWANCE: float(totals.year_paid_cents),
        }
        passed = crossings(totals, limits, planned.hours, amount_cents(rules_of[row.id], planned))
        found[row.id] = [Flag(c.kind, c.limit, c.after, before[c.kind], day) for c in passed]
    return found


@dataclass(frozen=True)
class ClientStanding:
    """The client's funded assignments in the request's year, and the cap."""

    count: int
    cap: int
    year: int

    @property
    def at_cap(self) -> bool:
        return self.count >= self.cap


def client_standing(request: SupportRequest) -> ClientStanding:
    return ClientStanding(
        compensation.client_assignments(request),
        compensation.client_cap(),
        compensation.day_of(request.starts_at).year,
    )


# ---------------------------------------------------------------------------------------------
# Offering and accepting


def check_cap_for_offers(request: SupportRequest) -> None:
    """At the cap, no further offer is made unless a coordinator made an exception."""
    if request.cap_exception_reason:
        return
    standing = client_standing(request)
    if standing.at_cap:
        raise ServiceError(
            _l(
                "Client %(reference)s has had %(count)d of %(cap)d funded assignments in %(year)d: no further "
                "offer can be made. If it must be, grant an exception for this request below, with the reason.",
                reference=request.client_reference,
                count=standing.count,
                cap=standing.cap,
                year=standing.year,
            ),
            field="profile_ids",
        )


class OverLimit(ServiceError):
    """An acceptance refused because it would pass a limit. The refusal itself is kept in the
    request's history (`keep`, run after the refused change is rolled back), so the
    coordinators see it on the request page."""

    def __init__(self, message: str, keep: Callable[[], None]) -> None:
        super().__init__(message)
        self.keep = keep


REFUSED_FOR_LIMITS = _l(
    "This offer cannot be accepted for now: it would pass one of your funding limits (hours or the tax-free "
    "allowance). The offer stays open, and the centre sees why; a coordinator can allow it and will contact you."
)
REFUSED_FOR_HOURS = _l(
    "This offer cannot be accepted for now: it would pass the hours you may work in a week or a year. The offer "
    "stays open, and the centre sees why; a coordinator can allow it and will contact you."
)
REFUSED_FOR_ALLOWANCE = _l(
    "This offer cannot be accepted for now: it would pass your tax-free allowance for the year. The offer stays "
    "open, and the centre sees why; a coordinator can allow it and will contact you."
)
REFUSED_FOR_CAP = _l(
    "This offer cannot be accepted for now: the person has had all the funded assignments of this year. The "
    "offer stays open, and the centre sees why; a coordinator can make an exception and will contact you."
)
NOT_RECORDED_FOR_LIMITS = _l(
    "Not recorded: this would pass one of the volunteer's funding limits. Override it for this offer first "
    "(in the offers table), with the reason."
)
NOT_RECORDED_FOR_CAP = _l(
    "Not recorded: the client has had all the funded assignments of this year. Grant an exception for this "
    "request first, with the reason."
)


def _refused_for(crossed: list[Crossing]) -> LazyString:
    """What the volunteer is told: which of their limits stands in the way."""
    kinds = {crossing.kind for crossing in crossed} - {LimitKind.CLIENT_CAP}
    if kinds == {LimitKind.TAX_FREE_ALLOWANCE}:
        return REFUSED_FOR_ALLOWANCE
    if LimitKind.TAX_FREE_ALLOWANCE not in kinds:
        return REFUSED_FOR_HOURS
    return REFUSED_FOR_LIMITS


def check_acceptance(offer: Offer, by: By) -> None:
    """Called under the locks of the acceptance: refuses it when it would pass the client's cap
    (without an exception for the request) or a volunteer limit (without an override)."""
    crossed = compensation.would_cross(offer.profile, offer.request, offer.id)
    cap = any(c.kind is LimitKind.CLIENT_CAP for c in crossed)
    own = any(c.kind is not LimitKind.CLIENT_CAP for c in crossed) and not offer.limit_override_reason
    if not (cap or own):
        return
    by_phone = by.role is Actor.COORDINATOR
    if cap:
        message = NOT_RECORDED_FOR_CAP if by_phone else REFUSED_FOR_CAP
    else:
        message = NOT_RECORDED_FOR_LIMITS if by_phone else _refused_for(crossed)
    offer_id, request_id = offer.id, offer.request_id

    def keep() -> None:
        kept = db.session.get(Offer, offer_id)
        record = db.session.get(SupportRequest, request_id)
        if kept is not None and record is not None and kept.state is OfferState.OFFERED:
            transitions.history(record, by, OfferState.OFFERED, OfferState.OFFERED, offer=kept, note=LimitNote.REFUSED)
            if not by_phone:  # the volunteer was told that a coordinator would call
                from ..notifications.requests import notify_acceptance_refused

                notify_acceptance_refused(kept, cap)

    raise OverLimit(message, keep)


# ---------------------------------------------------------------------------------------------
# Overrides and exceptions


def _reason(reason: str | None, message: object) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(str(message), field="reason")
    return reason


def override_limits(coordinator: User, offer: Offer, reason: str | None) -> None:
    """The volunteer may accept this offer although it passes one of their limits."""
    if not coordinator.is_coordinator:
        raise ServiceError(_l("Only coordinators override funding limits."))
    reason = _reason(reason, _l("Say why the limit may be passed: it is kept in the audit log."))
    if offer.state is not OfferState.OFFERED:
        raise ServiceError(_l("This offer no longer waits for an answer. The page shows the current state."))
    if offer.limit_override_reason:
        raise ServiceError(_l("The limits have already been overridden for this offer."))
    offer.limit_override_reason = reason
    offer.limit_override_by_id = coordinator.id
    transitions.history(
        offer.request,
        By(Actor.COORDINATOR, coordinator),
        OfferState.OFFERED,
        OfferState.OFFERED,
        offer=offer,
        note=LimitNote.OVERRIDDEN,
        reason=reason,
    )
    audit.record(
        "offer.limit_overridden",
        actor=coordinator,
        subject=offer.profile.user,
        offer=offer.id,
        request=offer.request_id,
    )


def grant_cap_exception(coordinator: User, request: SupportRequest, reason: str | None) -> None:
    """Offers and acceptances for this request may pass the client's funded assignments. Not
    withdrawn later: an assignment accepted under it must keep the reason it was funded by."""
    if not coordinator.is_coordinator:
        raise ServiceError(_l("Only coordinators grant exceptions."))
    reason = _reason(reason, _l("Say why the exception is needed: it is kept in the audit log."))
    if not request.state.is_live:
        raise ServiceError(_l("This request is closed; an exception would change nothing."))
    if request.cap_exception_reason:
        raise ServiceError(_l("An exception has already been granted for this request."))
    standing = client_standing(request)
    if standing.count + max(request.places_needed - request.places_filled, 0) <= standing.cap:
        # An exception cannot be withdrawn: none is granted where the cap is not in the way.
        raise ServiceError(
            _l(
                "No exception is needed: client %(reference)s has had %(count)d of %(cap)d funded assignments in "
                "%(year)d, and this request stays within them.",
                reference=request.client_reference,
                count=standing.count,
                cap=standing.cap,
                year=standing.year,
            )
        )
    request.cap_exception_reason = reason
    request.cap_exception_by_id = coordinator.id
    request.cap_exception_at = utcnow()
    transitions.history(
        request,
        By(Actor.COORDINATOR, coordinator),
        request.state,
        request.state,
        note=LimitNote.CAP_EXCEPTION,
        reason=reason,
    )
    audit.record("request.cap_exception", actor=coordinator, organisation=request.organisation, request=request.id)


__all__ = [
    "ClientStanding",
    "Flag",
    "OverLimit",
    "check_acceptance",
    "check_cap_for_offers",
    "client_standing",
    "flags",
    "grant_cap_exception",
    "override_limits",
]
