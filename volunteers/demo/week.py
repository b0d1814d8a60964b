"""This week in the demo: tomorrow morning a Tigrinya request that Helen cancelled at short notice
an hour ago (so the overview, the board, the week and the request page show what the centre
does then, and the coordinators' alert is in the outbox), and tomorrow afternoon an assignment
Mehari confirmed. Loading again adds nothing."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from ..db_types import utcnow
from ..extensions import db
from ..models import Organisation, Place, RequestEvent, SupportRequest, User
from ..models.enums import (
    Actor,
    Area,
    Channel,
    GenderPreference,
    Mode,
    Notice,
    OfferState,
    RequestState,
    TopicCategory,
    WorkKind,
)
from ..notifications.requests import notify_volunteer_cancelled
from ..services import transitions
from ..services.transitions import By
from .requests import AUTOMATIC, ERITREAN, _at, _move, _offer, _request

SHORT_NOTICE_REFERENCE = "DEMO-ER-017"
CONFIRMED_REFERENCE = "DEMO-ER-019"


def _user(local: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == f"{local}@wir-vielfalt.example"))


def seed_this_week() -> int:
    if db.session.scalar(select(SupportRequest.id).where(SupportRequest.client_reference == SHORT_NOTICE_REFERENCE)):
        return 0
    eritrean = db.session.scalar(select(Organisation).where(Organisation.name == ERITREAN))
    desk, selam = _user("koordination"), _user("selam.gebre")
    helen, mehari = _user("helen.gebreyesus"), _user("mehari.tewelde")
    if not (eritrean and desk and helen and helen.profile and mehari and mehari.profile):
        return 0
    places = {place.name: place for place in db.session.scalars(select(Place))}
    common = {
        "area": Area.LANGUAGE,
        "kind": WorkKind.INTERPRETING,
        "language_code": "tir",
        "mode": Mode.ON_SITE,
        "gender_preference": GenderPreference.NONE,
        "duration_minutes": 90,
        "places_needed": 1,
        "created_days_ago": 5,
    }
    short = _request(
        eritrean,
        selam,
        topic=TopicCategory.JOB_CENTRE,
        starts_at=_at(1, 10),
        place=places["Kassel"],
        meeting_point="Jobcenter Kassel, Grüner Weg, Eingang B",
        contact_on_site="Empfang Jobcenter, 0561 7010-0",
        client_reference=SHORT_NOTICE_REFERENCE,
        **common,
    )
    offer = _offer(short, helen.profile, desk, OfferState.ACCEPTED)
    _move(short, RequestState.FILLED, AUTOMATIC)
    transitions.history(
        short,
        By(Actor.VOLUNTEER, helen, Channel.PORTAL),
        OfferState.ACCEPTED,
        OfferState.CANCELLED_BY_VOLUNTEER,
        offer=offer,
        note=Notice.SHORT,
        reason="Mein Sohn hat hohes Fieber; ich kann morgen leider nicht kommen.",
    )
    offer.state = OfferState.CANCELLED_BY_VOLUNTEER
    offer.calendar_sequence += 1
    short.places_filled = 0
    _move(short, RequestState.OPEN, AUTOMATIC)
    db.session.flush()
    # Submitted five days ago, Helen asked yesterday and said yes; she cancelled an hour ago.
    accepted, cancelled = offer.responded_at, utcnow() - timedelta(hours=1)
    moments = [short.created_at, offer.offered_at, accepted, accepted, cancelled, cancelled]
    events = db.session.scalars(
        select(RequestEvent).where(RequestEvent.request_id == short.id).order_by(RequestEvent.id)
    ).all()
    for event, moment in zip(events, moments, strict=True):
        event.at = moment
    notify_volunteer_cancelled(offer, short_notice=True)

    confirmed = _request(
        eritrean,
        selam,
        topic=TopicCategory.HOUSING,
        starts_at=_at(1, 14),
        place=places["Lohfelden"],
        meeting_point="Rathaus Lohfelden, Bürgerbüro",
        client_reference=CONFIRMED_REFERENCE,
        **common,
    )
    _offer(confirmed, mehari.profile, desk, OfferState.ACCEPTED)
    _move(confirmed, RequestState.FILLED, AUTOMATIC)
    db.session.flush()
    return 2
