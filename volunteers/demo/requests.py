"""Demo support requests in every state, with offers and a history, so that the board, the
ranking (including a request nobody can take) and the histories have something to show.
Dates are relative to the day of loading; loading again adds nothing."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select

from ..clock import today, utc_at
from ..db_types import utcnow
from ..extensions import db
from ..models import Offer, Organisation, Place, SupportRequest, User
from ..models.enums import (
    Actor,
    Area,
    Channel,
    GenderPreference,
    Mode,
    OfferState,
    RequestState,
    ResponseChannel,
    TopicCategory,
    WorkKind,
)
from ..services import transitions
from ..services.transitions import By

#: Requests filled as a consequence of an acceptance.
AUTOMATIC = By(Actor.SYSTEM, None, Channel.AUTOMATIC)

SYRIAN = "Deutsch-Syrischer Verein Baunatal e.V."
ERITREAN = "Eritreische Gemeinde Nordhessen e.V."


def _at(days_ahead: int, hour: int, weekday: int | None = None) -> datetime:
    day = today() + timedelta(days=days_ahead)
    if weekday is not None:
        day += timedelta(days=(weekday - day.weekday()) % 7)
    return utc_at(day, time(hour))


def _volunteer(email: str):
    user = db.session.scalar(select(User).where(User.email == email))
    return user.profile if user else None


def _request(organisation: Organisation, creator: User | None, **values) -> SupportRequest:
    record = SupportRequest(
        organisation=organisation,
        created_by_id=creator.id if creator else None,
        places_filled=0,
        consent_confirmed=True,
        not_excluded_confirmed=True,
        state=RequestState.OPEN,
        created_at=utcnow() - timedelta(days=values.pop("created_days_ago", 2)),
        **values,
    )
    db.session.add(record)
    db.session.flush()
    transitions.history(record, By(Actor.ORGANISATION, creator), None, RequestState.OPEN)
    return record


def _offer(record: SupportRequest, profile, coordinator: User, state: OfferState) -> Offer:
    offer = Offer(
        request=record,
        profile=profile,
        state=OfferState.OFFERED,
        offered_at=utcnow() - timedelta(days=1),
        offered_by_id=coordinator.id,
        expires_at=min(utcnow() + timedelta(hours=40), record.starts_at),
        calendar_sequence=0,
    )
    db.session.add(offer)
    db.session.flush()
    transitions.history(record, By(Actor.COORDINATOR, coordinator), None, OfferState.OFFERED, offer=offer)
    if state is not OfferState.OFFERED:
        offer.state = state
        offer.responded_at = utcnow() - timedelta(hours=20)
        offer.response_channel = ResponseChannel.LINK
        by = By(Actor.VOLUNTEER, profile.user, Channel.MAIL_LINK)
        transitions.history(record, by, OfferState.OFFERED, state, offer=offer)
    if state is OfferState.ACCEPTED:
        record.places_filled += 1
    return offer


def _move(record: SupportRequest, target: RequestState, by: By) -> None:
    transitions.history(record, by, record.state, target)
    record.state = target


def seed_requests() -> int:
    if db.session.scalar(select(SupportRequest.id).where(SupportRequest.client_reference.like("DEMO-%")).limit(1)):
        return 0
    syrian = db.session.scalar(select(Organisation).where(Organisation.name == SYRIAN))
    eritrean = db.session.scalar(select(Organisation).where(Organisation.name == ERITREAN))
    coordinator = db.session.scalar(select(User).where(User.email == "koordination@wir-vielfalt.example"))
    if not (syrian and eritrean and coordinator):
        return 0
    places = {p.name: p for p in db.session.scalars(select(Place))}
    samir = db.session.scalar(select(User).where(User.email == "samir.nasser@wir-vielfalt.example"))
    selam = db.session.scalar(select(User).where(User.email == "selam.gebre@wir-vielfalt.example"))

    common = {"mode": Mode.ON_SITE, "gender_preference": GenderPreference.NONE, "duration_minutes": 90}
    # Open, with ranked candidates: Tigrinya at the Kreishaus, a Monday morning.
    _request(
        eritrean,
        selam,
        area=Area.LANGUAGE,
        kind=WorkKind.INTERPRETING,
        language_code="tir",
        topic=TopicCategory.AUTHORITIES,
        starts_at=_at(7, 9, weekday=0),
        place=places["Kassel"],
        meeting_point="Kreishaus, Wilhelmshöher Allee, Eingang A",
        contact_on_site="Bürgerbüro, 0561 1003-0",
        client_reference="DEMO-ER-014",
        places_needed=1,
        **common,
    )
    # Open and urgent, nobody can take it: Pashto health interpreting far north.
    _request(
        syrian,
        samir,
        area=Area.HEALTH,
        kind=WorkKind.INTERPRETING,
        language_code="pus",
        topic=TopicCategory.HEALTH_GP,
        starts_at=_at(1, 10),
        place=places["Bad Karlshafen"],
        meeting_point="Hausarztpraxis am Markt",
        client_reference="DEMO-SY-031",
        places_needed=1,
        urgent=True,
        urgent_reason="Der Termin wurde kurzfristig vergeben.",
        alternative_starts_at=_at(2, 15),
        created_days_ago=0,
        **common,
    )
    # Partly filled: two places, Amina confirmed.
    partly = _request(
        syrian,
        samir,
        area=Area.LANGUAGE,
        kind=WorkKind.ACCOMPANYING,
        language_code="ara",
        topic=TopicCategory.SCHOOL_CHILDCARE,
        starts_at=_at(10, 9, weekday=1),
        place=places["Baunatal"],
        meeting_point="Grundschule, Sekretariat",
        client_reference="DEMO-SY-028",
        places_needed=2,
        **common,
    )
    amina = _volunteer("amina.haddad@wir-vielfalt.example")
    if amina:
        _offer(partly, amina, coordinator, OfferState.ACCEPTED)
        _move(partly, RequestState.PARTLY_FILLED, AUTOMATIC)
    # Filled: Olena mentors a family in Vellmar; another volunteer had declined.
    filled = _request(
        syrian,
        samir,
        area=Area.LANGUAGE,
        kind=WorkKind.MENTORING,
        language_code="ukr",
        topic=TopicCategory.EVERYDAY_LIFE,
        starts_at=_at(12, 17, weekday=2),
        place=places["Vellmar"],
        client_reference="DEMO-SY-019",
        places_needed=1,
        **common,
    )
    olena = _volunteer("olena.kovalenko@wir-vielfalt.example")
    if olena:
        _offer(filled, olena, coordinator, OfferState.ACCEPTED)
        _move(filled, RequestState.FILLED, AUTOMATIC)
    # Asked, not yet answered: French in Baunatal.
    asked = _request(
        eritrean,
        selam,
        area=Area.LANGUAGE,
        kind=WorkKind.INTERPRETING,
        language_code="fra",
        topic=TopicCategory.JOB_CENTRE,
        starts_at=_at(9, 9, weekday=3),
        place=places["Baunatal"],
        meeting_point="Jobcenter, Empfang",
        client_reference="DEMO-ER-022",
        places_needed=1,
        **common,
    )
    jean = _volunteer("jean.mukendi@wir-vielfalt.example")
    if jean:
        _offer(asked, jean, coordinator, OfferState.OFFERED)
    # Cancelled by the organisation.
    cancelled = _request(
        syrian,
        samir,
        area=Area.LANGUAGE,
        kind=WorkKind.INTERPRETING,
        language_code="pes",
        topic=TopicCategory.HOUSING,
        starts_at=_at(8, 11, weekday=4),
        place=places["Lohfelden"],
        client_reference="DEMO-SY-025",
        places_needed=1,
        **common,
    )
    _move(cancelled, RequestState.CANCELLED, By(Actor.ORGANISATION, samir))
    cancelled.cancel_reason = "Der Vermieter hat den Termin abgesagt."
    # Unmatched: its day came and nobody could go.
    unmatched = _request(
        eritrean,
        selam,
        area=Area.HEALTH,
        kind=WorkKind.ACCOMPANYING,
        language_code="prs",
        topic=TopicCategory.HEALTH_PREVENTION,
        starts_at=_at(-1, 8),
        place=places["Helsa"],
        client_reference="DEMO-ER-009",
        places_needed=1,
        created_days_ago=6,
        **common,
    )
    _move(unmatched, RequestState.UNMATCHED, transitions.SCHEDULED_JOB)
    # Open, for a variety: Levantine Arabic, which Amina speaks natively.
    _request(
        syrian,
        samir,
        area=Area.LANGUAGE,
        kind=WorkKind.ACCOMPANYING,
        language_code="apc",
        topic=TopicCategory.SOCIAL_COUNSELLING,
        starts_at=_at(14, 9, weekday=0),
        place=places["Baunatal"],
        meeting_point="Rathaus Baunatal, Sozialamt, Zimmer 12",
        client_reference="DEMO-SY-035",
        places_needed=1,
        **common,
    )
    # By phone, entered by the centre for the Syrian association: a video consultation.
    _request(
        syrian,
        coordinator,
        area=Area.HEALTH,
        kind=WorkKind.INTERPRETING,
        language_code="kmr",
        topic=TopicCategory.HEALTH_INFORMATION,
        mode=Mode.VIDEO,
        starts_at=_at(6, 14, weekday=1),
        gender_preference=GenderPreference.FEMALE,
        duration_minutes=60,
        client_reference="DEMO-SY-033",
        places_needed=1,
        entered_by_centre=True,
    )
    db.session.flush()
    return 9
