"""The coordinators' week: every confirmed assignment and every request still to fill of one
week (Monday to Sunday, Kassel's days), by day and time. Read in a fixed number of queries
however busy the week is: the requests through the index on state and appointment, then the
confirmed volunteers of all of them at once, then which had a cancellation at short notice."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import selectinload

from ..clock import local, start_of_day
from ..extensions import db
from ..models import Offer, SupportRequest, User, VolunteerProfile
from ..models.enums import OfferState, RequestState
from .id_lists import among
from .short_notice import marked_short_notice

#: A week further than this from today is refused (a typo such as 0226 for 2026).
WEEKS_AWAY_AT_MOST = 520


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def within_reach(day: date, today: date) -> bool:
    """Whether the week of `day` is one the page shows (not absurdly far from today)."""
    return abs((monday_of(day) - monday_of(today)).days) <= 7 * WEEKS_AWAY_AT_MOST


def first_and_last_day(today: date) -> tuple[date, date]:
    """The first and the last day whose week the page shows."""
    first = monday_of(today) - timedelta(weeks=WEEKS_AWAY_AT_MOST)
    return first, monday_of(today) + timedelta(weeks=WEEKS_AWAY_AT_MOST, days=6)


@dataclass(frozen=True)
class Confirmed:
    """A volunteer confirmed for a request."""

    profile_id: int
    full_name: str


@dataclass
class Appointment:
    request: SupportRequest
    volunteers: list[Confirmed] = field(default_factory=list)
    short_notice: bool = False

    @property
    def to_fill(self) -> bool:
        return self.request.state.takes_offers


@dataclass
class Day:
    day: date
    appointments: list[Appointment]


@dataclass
class Week:
    monday: date
    days: list[Day]

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def number(self) -> int:
        """The ISO week number ("KW 50"), as calendars in Germany count."""
        return self.monday.isocalendar().week

    @property
    def previous(self) -> date:
        return self.monday - timedelta(weeks=1)

    @property
    def next(self) -> date:
        return self.monday + timedelta(weeks=1)

    @property
    def appointments(self) -> list[Appointment]:
        return [appointment for day in self.days for appointment in day.appointments]

    @property
    def assignments(self) -> int:
        """Confirmed places: each volunteer confirmed counts once."""
        return sum(len(appointment.volunteers) for appointment in self.appointments)

    @property
    def to_fill(self) -> int:
        return sum(appointment.to_fill for appointment in self.appointments)


def week_of(day: date) -> Week:
    """The week that contains `day`."""
    monday = monday_of(day)
    start, end = start_of_day(monday), start_of_day(monday + timedelta(days=7))
    # Those still to fill, and settled ones with someone confirmed (filled, or unmatched with a
    # place or more taken); cancelled ones take nobody's time. The states as literals, so the
    # planner reads the index on (state, starts_at).
    state_type = SupportRequest.state.type
    states = bindparam(
        "week_states", list(RequestState.not_cancelled()), expanding=True, literal_execute=True, type_=state_type
    )
    to_fill = bindparam(
        "week_to_fill", list(RequestState.to_fill()), expanding=True, literal_execute=True, type_=state_type
    )
    records = db.session.scalars(
        select(SupportRequest)
        .where(
            SupportRequest.state.in_(states),
            SupportRequest.starts_at >= start,
            SupportRequest.starts_at < end,
            or_(SupportRequest.state.in_(to_fill), SupportRequest.places_filled > 0),
        )
        .options(
            selectinload(SupportRequest.language),
            selectinload(SupportRequest.place),
            selectinload(SupportRequest.organisation),
        )
        .order_by(SupportRequest.starts_at, SupportRequest.id)
    ).all()
    ids = [record.id for record in records]
    confirmed: dict[int, list[Confirmed]] = {}
    for request_id, profile_id, given, family in db.session.execute(
        select(Offer.request_id, VolunteerProfile.id, User.given_name, User.family_name)
        .join(VolunteerProfile, Offer.profile_id == VolunteerProfile.id)
        .join(User, VolunteerProfile.user_id == User.id)
        .where(among(Offer.request_id, ids), Offer.state == OfferState.ACCEPTED)
        .order_by(Offer.request_id, Offer.responded_at, Offer.id)
    ):
        confirmed.setdefault(request_id, []).append(Confirmed(profile_id, f"{given} {family}"))
    short_notice = marked_short_notice(ids)
    by_day: dict[date, list[Appointment]] = {monday + timedelta(days=n): [] for n in range(7)}
    for record in records:
        appointment = Appointment(
            record, confirmed.get(record.id, []), record.id in short_notice and record.state.takes_offers
        )
        by_day[local(record.starts_at).date()].append(appointment)
    return Week(monday, [Day(day, appointments) for day, appointments in by_day.items()])
