"""The page benchmark's database (bench/pages.py): the matching benchmark's volunteers
(bench/seeding.py), then years of support requests in every state with their offers in every
state, the history of both, the assignment each accepted offer became after its appointment (in
every state but settled), the mail outbox, and three people with known passwords whose
pages have real content: a coordinator, an active volunteer and an organisation's admin.

Everything is inserted in bulk with SQLAlchemy Core, from a fixed random seed."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from bench.seeding import LANGUAGE_WEIGHTS, finish_database, insert, seed_organisations, seed_volunteers
from volunteers.clock import BERLIN, today
from volunteers.extensions import db
from volunteers.models import (
    Assignment,
    Membership,
    Offer,
    OutboxMessage,
    OutboxStatus,
    Qualification,
    RequestEvent,
    SettlementMonth,
    SupportRequest,
    User,
    VolunteerLanguage,
)
from volunteers.models.enums import (
    Actor,
    Area,
    AssignmentState,
    Channel,
    EventSubject,
    GenderPreference,
    Mode,
    OfferState,
    Outcome,
    QualificationStatus,
    RequestState,
    ResponseChannel,
    TopicCategory,
    WorkKind,
)
from volunteers.services.passwords import hash_password

#: The password of the three people the benchmark logs in as.
PASSWORD = "bench-Kassel-2026-pages"  # noqa: S105 - a throwaway database's test login
COORDINATOR_EMAIL = "coordinator@bench.example.org"
VOLUNTEER_EMAIL = "volunteer@bench.example.org"
ORGANISATION_EMAIL = "organisation@bench.example.org"
HISTORY_DAYS = 3 * 365
#: About this many offers go to the benchmark's volunteer, spread over the years.
VOLUNTEER_OFFERS = 40


@dataclass
class PageData:
    size: int
    requests: int
    #: The open request whose page (with its ranking) is loaded: Arabic interpreting by phone.
    request_id: int
    #: The profile id of the volunteer who logs in (their record is the coordinator's page too).
    volunteer_id: int
    rows: dict[str, int]
    seconds: float


def seed_pages(size: int, request_count: int, rng: random.Random, log) -> PageData:
    started = time.perf_counter()
    counts: dict[str, int] = {}
    volunteers = seed_volunteers(size, rng, log, counts)
    located = [pid for pid, _, latitude in volunteers.places if latitude is not None]
    organisations = seed_organisations(max(200, request_count // 250), rng, located, counts)
    coordinator_id, member_id = size + 1, size + 2
    volunteer_id = _people(size, organisations[0], counts)
    spoken = set(db.session.scalars(sa.select(VolunteerLanguage.language_code).filter_by(profile_id=volunteer_id)))
    db.session.commit()

    active = set(volunteers.active_ids)
    pools = {code: [pid for pid in ids if pid in active] for code, ids in volunteers.speakers.items()}
    codes = [code for code in LANGUAGE_WEIGHTS if pools.get(code)]
    weights = [LANGUAGE_WEIGHTS[code] for code in codes]
    share = sum(LANGUAGE_WEIGHTS[code] for code in spoken) / sum(weights)
    volunteer_chance = min(1.0, VOLUNTEER_OFFERS / max(1.0, request_count * share))
    history = _History(rng, coordinator_id, member_id)
    now = datetime.now(UTC)
    for rid in range(1, request_count + 1):
        code = rng.choices(codes, weights=weights)[0]
        asked = rng.sample(pools[code], min(len(pools[code]), rng.randint(1, 4)))
        if code in spoken and volunteer_id not in asked and rng.random() < volunteer_chance:
            asked[rng.randrange(len(asked))] = volunteer_id
        organisation_id = organisations[0] if rng.random() < 0.02 else rng.choice(organisations)
        local_day = today() + timedelta(days=rng.randint(-HISTORY_DAYS, 30))
        local = datetime(local_day.year, local_day.month, local_day.day, rng.randint(8, 18), 0, tzinfo=BERLIN)
        history.add(rid, organisation_id, code, local.astimezone(UTC), rng.choice(located), asked, now)

    request_id = request_count + 1
    day = today() + timedelta(days=10)
    day += timedelta(days=(1 - day.weekday()) % 7)  # a Tuesday, 10:00: most volunteers' availability
    starts_at = datetime(day.year, day.month, day.day, 10, 0, tzinfo=BERLIN).astimezone(UTC)
    history.request(request_id, organisations[0], "ara", starts_at, located[0], RequestState.OPEN, now, mode=Mode.PHONE)
    history.event(request_id, None, now - timedelta(hours=2), Actor.ORGANISATION, EventSubject.REQUEST, None, "open")

    for table, rows in (
        (SupportRequest.__table__, history.requests),
        (Offer.__table__, history.offers),
        (RequestEvent.__table__, history.events),
        (Assignment.__table__, history.assignments),
        (SettlementMonth.__table__, _settlement_months(coordinator_id, now)),
        (OutboxMessage.__table__, _outbox(history, rng, now)),
    ):
        t0 = time.perf_counter()
        insert(table, rows, counts)
        log(f"    {table.name}: {len(rows):,} rows in {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    finish_database(counts)
    log(f"    sequences and statistics in {time.perf_counter() - t0:.1f} s")
    return PageData(size, request_count, request_id, volunteer_id, counts, time.perf_counter() - started)


def settlement_month() -> date:
    """The month the benchmark's settlement page shows: the last full one, open."""
    return (today().replace(day=1) - timedelta(days=1)).replace(day=1)


def _settlement_months(coordinator_id: int, now: datetime) -> list[dict]:
    month = settlement_month()
    return [{"id": 1, "month": month, "state": "open", "opened_by_id": coordinator_id, "opened_at": now, "version": 1}]


def _people(size: int, organisation_id: int, counts: dict[str, int]) -> int:
    """The coordinator and the organisation's admin (new users), and the volunteer: an active,
    verified-trained seeded volunteer who gets the known address and password."""
    password_hash = hash_password(PASSWORD)  # once, with the app's Argon2 settings
    now = datetime.now(UTC)

    def user(uid: int, email: str, given: str, family: str, **roles) -> dict:
        return {
            "id": uid,
            "email": email,
            "given_name": given,
            "family_name": family,
            "password_hash": password_hash,
            "locale": "de",
            "session_version": 1,
            "active": True,
            "email_confirmed_at": now,
            "is_coordinator": False,
            "is_volunteer": False,
            "created_at": now,
            "last_login_at": None,
            "deactivated_at": None,
            **roles,
        }

    insert(
        User.__table__,
        [
            user(size + 1, COORDINATOR_EMAIL, "Miriam", "Koordination", is_coordinator=True),
            user(size + 2, ORGANISATION_EMAIL, "Selin", "Verein"),
        ],
        counts,
    )
    membership = {"user_id": size + 2, "organisation_id": organisation_id, "is_admin": True, "created_at": now}
    insert(Membership.__table__, [membership], counts)
    volunteer_id = db.session.scalar(
        sa.select(VolunteerLanguage.profile_id)
        .join(Qualification, Qualification.profile_id == VolunteerLanguage.profile_id)
        .where(VolunteerLanguage.language_code == "ara", Qualification.status == QualificationStatus.VERIFIED)
        .order_by(VolunteerLanguage.profile_id)
        .limit(1)
    )
    db.session.commit()  # ends the read: SQLite's write lock is needed next
    if volunteer_id is None:
        raise SystemExit("No active, trained Arabic speaker among the volunteers: use more --volunteers.")
    with db.engine.begin() as connection:
        connection.execute(
            sa.update(User.__table__)
            .where(User.__table__.c.id == volunteer_id)
            .values(email=VOLUNTEER_EMAIL, password_hash=password_hash)
        )
    return volunteer_id


class _History:
    """Requests, their offers and the history events of both, as rows for Core inserts."""

    def __init__(self, rng: random.Random, coordinator_id: int, member_id: int) -> None:
        self.rng = rng
        self.coordinator_id = coordinator_id
        self.member_id = member_id
        self.requests: list[dict] = []
        self.offers: list[dict] = []
        self.events: list[dict] = []
        self.assignments: list[dict] = []

    def add(self, rid, organisation_id, code, starts_at, place_id, asked, now) -> None:
        rng = self.rng
        created = starts_at - timedelta(days=rng.randint(4, 21), hours=rng.randint(0, 8))
        if starts_at > now:
            state = rng.choices(
                [RequestState.OPEN, RequestState.PARTLY_FILLED, RequestState.FILLED, RequestState.CANCELLED],
                weights=[45, 10, 35, 10],
            )[0]
        else:
            state = rng.choices(
                [RequestState.FILLED, RequestState.UNMATCHED, RequestState.CANCELLED], weights=[80, 12, 8]
            )[0]
        needed = 2 if state is RequestState.PARTLY_FILLED or rng.random() < 0.1 else 1
        filled = {RequestState.PARTLY_FILLED: 1, RequestState.FILLED: needed}.get(state, 0)
        if filled > len(asked):
            needed = filled = len(asked)
        self.request(rid, organisation_id, code, starts_at, place_id, state, created, needed=needed, filled=filled)
        self.event(rid, None, created, Actor.ORGANISATION, EventSubject.REQUEST, None, RequestState.OPEN.value)

        offered_at = created + timedelta(hours=rng.randint(1, 30))
        accepted = 0
        for index, pid in enumerate(asked):
            if index >= len(asked) - filled:
                offer_state = OfferState.ACCEPTED
                accepted += 1
            elif state is RequestState.OPEN or state is RequestState.PARTLY_FILLED:
                offer_state = rng.choice([OfferState.OFFERED, OfferState.OFFERED, OfferState.DECLINED])
            elif state is RequestState.CANCELLED:
                offer_state = OfferState.WITHDRAWN
            else:
                offer_state = rng.choice(
                    [OfferState.DECLINED, OfferState.EXPIRED, OfferState.WITHDRAWN, OfferState.CANCELLED_BY_VOLUNTEER]
                )
            self.offer(rid, pid, offer_state, offered_at, now)
            if offer_state is OfferState.ACCEPTED and starts_at + timedelta(hours=3) <= now:
                self.assignment(rid, pid, starts_at, now)
        if accepted:
            self.event(
                rid, None, offered_at + timedelta(hours=6), Actor.SYSTEM, EventSubject.REQUEST, "open", state.value
            )
        elif state is not RequestState.OPEN:
            actor = Actor.ORGANISATION if state is RequestState.CANCELLED else Actor.SYSTEM
            self.event(rid, None, min(starts_at, now), actor, EventSubject.REQUEST, "open", state.value)

    def request(self, rid, organisation_id, code, starts_at, place_id, state, created, *, needed=1, filled=0, **more):
        rng = self.rng
        area = rng.choice([Area.LANGUAGE, Area.LANGUAGE, Area.HEALTH])
        topic = TopicCategory.HEALTH_GP if area is Area.HEALTH else rng.choice(list(TopicCategory)[:5])
        self.requests.append(
            {
                "id": rid,
                "organisation_id": organisation_id,
                "created_by_id": self.member_id if organisation_id == 1 else None,
                "entered_by_centre": False,
                "area": Area.LANGUAGE if more else area,
                "kind": WorkKind.INTERPRETING if more else rng.choice([WorkKind.INTERPRETING, WorkKind.ACCOMPANYING]),
                "places_needed": needed,
                "places_filled": filled,
                "language_code": code,
                "topic": TopicCategory.AUTHORITIES if more else topic,
                "mode": more.get("mode") or rng.choice([Mode.ON_SITE, Mode.ON_SITE, Mode.PHONE]),
                "starts_at": starts_at,
                "duration_minutes": rng.choice([60, 90, 120]),
                "alternative_starts_at": None,
                "place_id": place_id,
                "meeting_point": "Empfang",
                "contact_on_site": None,
                "gender_preference": GenderPreference.NONE,
                "minors_involved": False,
                "urgent": False,
                "urgent_reason": None,
                "client_reference": f"K-{organisation_id}-{rng.randint(1, 40)}",
                "consent_confirmed": True,
                "not_excluded_confirmed": True,
                "state": state,
                "cancel_reason": "Termin abgesagt" if state is RequestState.CANCELLED else None,
                "created_at": created,
                "updated_at": created,
                "version": 1,
            }
        )

    def offer(self, rid: int, pid: int, state: OfferState, offered_at: datetime, now: datetime) -> None:
        offer_id = len(self.offers) + 1
        answered = state is not OfferState.OFFERED and state is not OfferState.EXPIRED
        responded = offered_at + timedelta(hours=self.rng.randint(1, 40))
        self.offers.append(
            {
                "id": offer_id,
                "request_id": rid,
                "profile_id": pid,
                "state": state,
                "offered_at": offered_at,
                "offered_by_id": self.coordinator_id,
                # An offer still waiting runs two days from now; the others ran out two days after
                # they were made, as they did in the app.
                "expires_at": (max(offered_at, now) if state is OfferState.OFFERED else offered_at) + timedelta(days=2),
                "responded_at": responded if answered else None,
                "response_channel": ResponseChannel.LINK if answered else None,
                "calendar_sequence": 0,
            }
        )
        self.event(rid, offer_id, offered_at, Actor.COORDINATOR, EventSubject.OFFER, None, OfferState.OFFERED.value)
        if state is not OfferState.OFFERED:
            actor = Actor.VOLUNTEER if answered and state is not OfferState.WITHDRAWN else Actor.SYSTEM
            self.event(rid, offer_id, responded, actor, EventSubject.OFFER, "offered", state.value)

    def assignment(self, rid: int, pid: int, starts_at: datetime, now: datetime) -> None:
        """What became of the offer just added: in the last three weeks still under way
        (waiting for the report, reported, disputed), before that mostly confirmed; now and then
        a report missing after the reminders, a dispute, a reflection talk wished."""
        rng = self.rng
        recent = starts_at > now - timedelta(days=21)
        weights = [30, 35, 30, 5] if recent else [1, 0, 98, 1]
        state = rng.choices(
            [
                AssignmentState.AWAITING_REPORT,
                AssignmentState.REPORTED,
                AssignmentState.CONFIRMED,
                AssignmentState.DISPUTED,
            ],
            weights=weights,
        )[0]
        reported = state is not AssignmentState.AWAITING_REPORT
        reported_at = min(now, starts_at + timedelta(days=rng.randint(1, 4))) if reported else None
        answered = state in (AssignmentState.CONFIRMED, AssignmentState.DISPUTED)
        answered_at = min(now, reported_at + timedelta(days=rng.randint(1, 14))) if answered and reported_at else None
        minutes = rng.choice([45, 60, 90, 120])
        straight = rng.randint(0, 60)
        wants_talk = reported and rng.random() < 0.03
        answered_by = self.member_id if answered and (state is AssignmentState.DISPUTED or rng.random() < 0.5) else None
        self.assignments.append(
            {
                "id": len(self.assignments) + 1,
                "offer_id": len(self.offers),
                "profile_id": pid,
                "request_id": rid,
                "appointment_at": starts_at,
                "state": state,
                "outcome": Outcome.TOOK_PLACE if reported else None,
                "cancelled_by": None,
                "started_at": starts_at if reported else None,
                "duration_minutes": minutes if reported else None,
                "travel_km": straight + rng.choice([0, 0, 0, 4, 10]) if reported else None,
                "straight_km": straight if reported else None,
                "feedback": "Alles gut gelaufen." if reported and rng.random() < 0.2 else None,
                "wants_reflection_talk": wants_talk,
                "reflection_done_at": reported_at + timedelta(days=10)
                if wants_talk and not recent and reported_at
                else None,
                "reported_at": reported_at,
                "reported_by_id": None,
                "report_channel": Channel.MAIL_LINK if reported else None,
                "answered_at": answered_at,
                "answered_by_id": answered_by,
                "confirmed_automatically": answered and answered_by is None,
                "dispute_reason": "Der Termin war kürzer." if state is AssignmentState.DISPUTED else None,
                "settled_month": None,
                "volunteer_reminders": 0 if reported else 2 if starts_at < now - timedelta(days=4) else 1,
                "organisation_reminded_at": None,
                "created_at": starts_at + timedelta(hours=3),
                "version": 1,
            }
        )

    def event(self, rid, offer_id, at, actor, subject, from_state, to_state) -> None:
        by_coordinator = actor is Actor.COORDINATOR
        self.events.append(
            {
                "request_id": rid,
                "offer_id": offer_id,
                "at": at,
                "actor_id": self.coordinator_id if by_coordinator else None,
                "actor_role": actor,
                "channel": Channel.PORTAL if actor is not Actor.SYSTEM else Channel.AUTOMATIC,
                "subject": subject,
                "from_state": from_state,
                "to_state": to_state,
                "note": None,
                "changed_fields": None,
                "reason": None,
            }
        )


def _outbox(history: _History, rng: random.Random, now: datetime) -> list[dict]:
    """A mail for every offer made in the last 60 days: mostly sent, some failed, a few waiting."""
    since = now - timedelta(days=60)
    rows = []
    for offer in history.offers:
        if offer["offered_at"] < since or offer["offered_at"] > now:
            continue
        status = rng.choices([OutboxStatus.SENT, OutboxStatus.FAILED, OutboxStatus.PENDING], weights=[95, 3, 2])[0]
        at = offer["offered_at"]
        rows.append(
            {
                "key": f"offer:{offer['id']}",
                "event": "offer.made",
                "recipient": f"bench{offer['profile_id']}@example.org",
                "locale": "de",
                "subject": "Anfrage: Dolmetschen",
                "body_text": "Guten Tag, wir haben eine Anfrage für Sie.",
                "body_html": "<p>Guten Tag, wir haben eine Anfrage für Sie.</p>",
                "calendar": None,
                "calendar_method": None,
                "message_id": f"<offer-{offer['id']}@bench.example.org>",
                "status": status,
                "attempts": 0 if status is OutboxStatus.PENDING else (3 if status is OutboxStatus.FAILED else 1),
                "next_attempt_at": at,
                "claimed_until": None,
                "claim_token": None,
                "last_error": "550 mailbox unavailable" if status is OutboxStatus.FAILED else None,
                "created_at": at,
                "sent_at": at + timedelta(seconds=5) if status is OutboxStatus.SENT else None,
                "failed_at": at + timedelta(hours=2) if status is OutboxStatus.FAILED else None,
            }
        )
    return rows
