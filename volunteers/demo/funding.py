"""The funding side of the demo: a year of Dawit's interpreting for the Eritrean community that
brings him close to his yearly tax-free allowance (so the request page flags him for the next
Tigrinya request); a client of the Syrian association at four of five funded assignments, with
a fifth request waiting; and the settlement: every past month without open items closed, last
month and any month with an open item left open, and a correction of a settled assignment as an
adjustment line. So the settlement pages, the hours page and the limits show something real.
Loading again adds nothing."""

from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import func, select

from ..clock import today, utc_at
from ..db_types import utcnow
from ..extensions import db
from ..models import Assignment, Offer, Organisation, Place, SettlementMonth, SupportRequest, User
from ..models.enums import Area, AssignmentState, GenderPreference, Mode, TopicCategory, WorkKind
from ..services import adjustments, compensation, settlement
from ..services.assignments import Report
from .assignments import Story, tell
from .history import filled_in_the_past
from .requests import ERITREAN, SYRIAN, _request

DOMAIN = "wir-vielfalt.example"
#: Dawit is paid just above this in the year: one more assignment (20 EUR) passes the
#: Ehrenamtspauschale (960 EUR), so the ranking flags him.
NEAR_ALLOWANCE_CENTS = 94_000
#: Above this the last steps are 20 EUR each (appointments in Kassel, no travel), so the year
#: ends between NEAR_ALLOWANCE_CENTS and the allowance.
SHORT_WAYS_ABOVE_CENTS = 90_000
BUSY_REFERENCE = "DEMO-ER-1"
CLIENT_AT_CAP = "DEMO-SY-050"
#: Where Dawit interpreted, in turn (his home is Kassel: most ways are short).
BUSY_PLACES = ("Kassel", "Baunatal", "Vellmar", "Kassel", "Hofgeismar", "Lohfelden")


def _user(local: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == f"{local}@{DOMAIN}"))


def _organisation(name: str) -> Organisation | None:
    return db.session.scalar(select(Organisation).where(Organisation.name == name))


def _place(name: str) -> Place | None:
    return db.session.scalar(select(Place).where(Place.name == name))


def _confirmed(offer: Offer, desk: User, answerer: str) -> Assignment:
    """Reported the evening after, confirmed by the organisation two days later."""
    days_ago = (today() - offer.request.starts_at.date()).days
    tell(
        offer,
        Story(
            AssignmentState.CONFIRMED,
            reported_days_ago=max(days_ago - 1, 1),
            answered_by=answerer,
            answered_days_ago=max(days_ago - 3, 1),
        ),
        desk,
        utcnow(),
    )
    return db.session.scalar(select(Assignment).where(Assignment.offer_id == offer.id))


def _busy_year() -> tuple[date, date]:
    """The days of Dawit's year: this year's, ending seven weeks ago (so its months can be
    closed); early in a year, last year's."""
    start, end = date(today().year, 1, 8), today() - timedelta(days=50)
    if (end - start).days < 60:
        start, end = date(today().year - 1, 1, 8), date(today().year - 1, 12, 18)
    return start, end


def seed_busy_volunteer() -> int:
    """Dawit's year of interpreting, up to just below his allowance (each a client of its own)."""
    dawit, desk, eritrean = _user("dawit.tesfaye"), _user("koordination"), _organisation(ERITREAN)
    if dawit is None or dawit.profile is None or desk is None or eritrean is None:
        return 0
    if db.session.scalar(select(SupportRequest.id).where(SupportRequest.client_reference.like(f"{BUSY_REFERENCE}%"))):
        return 0
    start, end = _busy_year()
    rules = compensation.rules(dawit.profile.programme)
    paid = compensation.totals(dawit.profile, end, rules).year_paid_cents
    day, made = start, 0
    while day <= end and paid <= NEAR_ALLOWANCE_CENTS:
        place = "Kassel" if paid > SHORT_WAYS_ABOVE_CENTS else BUSY_PLACES[made % len(BUSY_PLACES)]
        offer = filled_in_the_past(
            eritrean,
            desk,
            dawit.profile,
            area=Area.LANGUAGE,
            kind=WorkKind.INTERPRETING,
            language_code="tir",
            topic=TopicCategory.AUTHORITIES if made % 2 else TopicCategory.JOB_CENTRE,
            starts_at=utc_at(day, time(9 + made % 5)),
            place=_place(place),
            meeting_point=None,
            client_reference=f"{BUSY_REFERENCE}{made:02d}",
        )
        paid += _confirmed(offer, desk, "yonas.haile").amount_cents or 0
        made += 1
        day += timedelta(days=6 if day.weekday() < 3 else 4)
    db.session.flush()
    return made


def seed_client_at_cap() -> int:
    """Four funded assignments of one client of the Syrian association this year, and a fifth
    request for the same client next week: its page says "4 of 5"."""
    amina, desk, syrian = _user("amina.haddad"), _user("koordination"), _organisation(SYRIAN)
    if amina is None or amina.profile is None or desk is None or syrian is None:
        return 0
    if db.session.scalar(select(SupportRequest.id).where(SupportRequest.client_reference == CLIENT_AT_CAP)):
        return 0
    first, last = date(today().year, 1, 12), today() - timedelta(days=56)
    if last <= first:
        return 0
    step = (last - first) / 3
    for number in range(4):
        offer = filled_in_the_past(
            syrian,
            desk,
            amina.profile,
            area=Area.HEALTH,
            kind=WorkKind.INTERPRETING,
            language_code="ara",
            topic=TopicCategory.HEALTH_GP,
            starts_at=utc_at(first + step * number, time(8)),
            place=_place("Baunatal"),
            meeting_point="Hausarztpraxis Dr. Yilmaz, Marktplatz 4",
            client_reference=CLIENT_AT_CAP,
        )
        _confirmed(offer, desk, "lina.mahmoud")
    samir = _user("samir.nasser")
    _request(
        syrian,
        samir,
        area=Area.HEALTH,
        kind=WorkKind.INTERPRETING,
        language_code="ara",
        topic=TopicCategory.HEALTH_GP,
        mode=Mode.ON_SITE,
        gender_preference=GenderPreference.NONE,
        duration_minutes=60,
        starts_at=utc_at(today() + timedelta(days=9), time(8)),
        place=_place("Baunatal"),
        meeting_point="Hausarztpraxis Dr. Yilmaz, Marktplatz 4",
        client_reference=CLIENT_AT_CAP,
        places_needed=1,
    )
    db.session.flush()
    return 4


def _open_items(month: date) -> int:
    return int(db.session.scalar(select(func.count()).select_from(settlement.open_items(month).subquery())) or 0)


def seed_settlement() -> int:
    """Every month from the first demo assignment to the one before last, closed where nothing
    is open; last month opened and left open. Returns the number of months closed."""
    desk = _user("koordination")
    first_day = db.session.scalar(select(func.min(Assignment.appointment_at)))
    if desk is None or first_day is None or db.session.scalar(select(SettlementMonth.id).limit(1)):
        return 0
    last_month = settlement.first_of(settlement.first_of(today()) - timedelta(days=1))
    month, closed = settlement.first_of(first_day.date()), 0
    while month <= last_month:
        row = settlement.open_month(desk, month, today())
        if month < last_month and _open_items(month) == 0:
            settlement.close(desk, row, row.version)
            closed += 1
        month = settlement.next_month(month)
    db.session.flush()
    _adjust_a_settled_one(desk)
    return closed


def _adjust_a_settled_one(desk: User) -> None:
    """Dawit handed in a ticket after his month was closed: 12 km more, as an adjustment line."""
    settled = db.session.scalar(
        select(Assignment)
        .join(SupportRequest, SupportRequest.id == Assignment.request_id)
        .where(Assignment.state == AssignmentState.SETTLED, SupportRequest.client_reference.like(f"{BUSY_REFERENCE}%"))
        .order_by(Assignment.appointment_at.desc())
    )
    if settled is None:
        return
    figures = Report(
        outcome=settled.outcome,
        started_at=settled.started_at,
        duration_minutes=settled.duration_minutes,
        travel_km=(settled.travel_km or 0) + 12,
        long_detour_confirmed=True,
    )
    adjustments.correct_settled(
        desk, settled, figures, "Fahrkarte nachgereicht: Umleitung über Fuldatal, 12 km mehr.", settled.version
    )
