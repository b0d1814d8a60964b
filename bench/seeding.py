"""The generator of the benchmarks' test data (bench/matching.py, bench/pages.py): a migrated
database filled in bulk with SQLAlchemy Core from a fixed random seed, and the throwaway
databases are bench/databases.py. See bench/README.md for what it holds."""

from __future__ import annotations

import random
import sys
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from volunteers.clock import BERLIN, today  # noqa: E402
from volunteers.extensions import db  # noqa: E402
from volunteers.jobs import planner_statistics  # noqa: E402
from volunteers.models import (  # noqa: E402
    Absence,
    AvailabilitySlot,
    DeclarationSignature,
    DeclarationVersion,
    Exclusion,
    Offer,
    Organisation,
    OrganisationStatus,
    Place,
    PoliceCertificate,
    Qualification,
    QualificationType,
    SupportRequest,
    User,
    VolunteerLanguage,
    VolunteerProfile,
)
from volunteers.models.enums import (  # noqa: E402
    Area,
    CertificateKind,
    CertificateResult,
    ContactChannel,
    DayPart,
    Gender,
    GenderPreference,
    LanguageLevel,
    Mobility,
    Mode,
    OfferState,
    QualificationStatus,
    RequestState,
    ResponseChannel,
    TopicCategory,
    VolunteerStatus,
    WorkKind,
)
from volunteers.services.validity import police_certificate_due, valid_until  # noqa: E402

CHUNK = 5_000
DUMMY_HASH = "$argon2id$v=19$m=8,t=1,p=1$YmVuY2htYXJr$bm90LWEtcmVhbC1oYXNo"

#: How often a variety appears among the volunteers' languages (German is the profile's level).
LANGUAGE_WEIGHTS = {
    "ara": 20,
    "tur": 14,
    "ukr": 12,
    "pes": 10,
    "prs": 9,
    "tir": 8,
    "rus": 7,
    "eng": 5,
    "kmr": 4,
    "ckb": 3,
    "pus": 3,
    "fra": 3,
    "amh": 2,
    "som": 2,
    "urd": 1.5,
    "bul": 1.5,
    "ron": 1.5,
    "aze": 1,
    "pan": 1,
    "pnb": 0.5,
}
FIRST_LEVELS = {
    LanguageLevel.NATIVE: 70,
    LanguageLevel.C2: 10,
    LanguageLevel.C1: 12,
    LanguageLevel.B2: 6,
    LanguageLevel.B1: 2,
}
OTHER_LEVELS = {
    LanguageLevel.NATIVE: 15,
    LanguageLevel.C2: 10,
    LanguageLevel.C1: 20,
    LanguageLevel.B2: 25,
    LanguageLevel.B1: 20,
    LanguageLevel.A2: 10,
}
GERMAN_LEVELS = {
    LanguageLevel.NATIVE: 5,
    LanguageLevel.C2: 10,
    LanguageLevel.C1: 25,
    LanguageLevel.B2: 30,
    LanguageLevel.B1: 22,
    LanguageLevel.A2: 8,
}
STATUSES = {
    VolunteerStatus.ACTIVE: 80,
    VolunteerStatus.APPLICANT: 10,
    VolunteerStatus.PAUSED: 5,
    VolunteerStatus.RETIRED: 5,
}
GENDERS = {Gender.FEMALE: 50, Gender.MALE: 42, Gender.DIVERSE: 2, Gender.NOT_STATED: 6}
MOBILITY = {Mobility.PUBLIC_TRANSPORT: 55, Mobility.CAR: 35, Mobility.REMOTE_ONLY: 10}
GIVEN_NAMES = ["Amina", "Yonas", "Olena", "Mehmet", "Farida", "Ali", "Sara", "Dawit", "Leyla", "Omid", "Nadia", "Ivan"]
FAMILY_NAMES = ["Haddad", "Tesfaye", "Kovalenko", "Yilmaz", "Ahmadi", "Rahimi", "Berhane", "Shevchenko", "Demir"]


def weighted(rng: random.Random, weights: dict) -> object:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def chunks(rows: Sequence[dict], size: int = CHUNK) -> Iterator[Sequence[dict]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


# ---------------------------------------------------------------------------------------------
# Seeding, in bulk


@dataclass
class Seeded:
    size: int
    places: list[tuple[int, str, float | None]]
    speakers: dict[str, list[int]]
    active_ids: list[int]
    organisations: list[int]
    #: (organisation id, client reference) of earlier requests: continuity for some new ones.
    clients: list[tuple[int, str]]
    seconds: float = 0.0
    rows: dict[str, int] = field(default_factory=dict)


def insert(table: sa.Table, rows: list[dict], counts: dict[str, int]) -> None:
    """Core INSERT of a list of dicts: one transaction per chunk."""
    for chunk in chunks(rows):
        with db.engine.begin() as connection:
            connection.execute(table.insert(), list(chunk))
    counts[table.name] = counts.get(table.name, 0) + len(rows)


@dataclass
class Volunteers:
    """What seed_volunteers made, for what is seeded after it."""

    places: list[tuple[int, str, float | None]]
    speakers: dict[str, list[int]]
    active_ids: list[int]


def seed(size: int, rng: random.Random, log) -> Seeded:
    """The matching benchmark's database: volunteers, organisations, earlier requests with
    offers, exclusions, then statistics."""
    started = time.perf_counter()
    counts: dict[str, int] = {}
    volunteers = seed_volunteers(size, rng, log, counts)
    organisations, clients = seed_assignments(
        size, rng, volunteers.places, volunteers.speakers, volunteers.active_ids, counts
    )
    t0 = time.perf_counter()
    finish_database(counts)
    log(f"    sequences and statistics in {time.perf_counter() - t0:.1f} s")
    return Seeded(
        size=size,
        places=volunteers.places,
        speakers=volunteers.speakers,
        active_ids=volunteers.active_ids,
        organisations=organisations,
        clients=clients,
        seconds=time.perf_counter() - started,
        rows=counts,
    )


def seed_volunteers(size: int, rng: random.Random, log, counts: dict[str, int]) -> Volunteers:
    """N volunteers with their languages, availability, absences, trainings, declarations and
    police certificates (ids 1..N for users and profiles alike)."""
    day = today()
    now = datetime.now(UTC)

    places = [(p.id, p.name, p.latitude) for p in db.session.scalars(sa.select(Place).order_by(Place.id))]
    place_weights = [30 if name == "Kassel" else (1 if latitude is None else 2) for _, name, latitude in places]
    type_ids = dict(db.session.execute(sa.select(QualificationType.code, QualificationType.id)).all())
    type_units = dict(db.session.execute(sa.select(QualificationType.code, QualificationType.teaching_units)).all())
    validity = dict(db.session.execute(sa.select(QualificationType.code, QualificationType.validity_months)).all())
    newest_versions = [
        version_id
        for (version_id,) in db.session.execute(
            sa.select(sa.func.max(DeclarationVersion.id)).group_by(DeclarationVersion.declaration_id)
        )
    ]
    db.session.commit()

    users, profiles, languages, slots, absences = [], [], [], [], []
    qualifications, signatures, certificates = [], [], []
    speakers: dict[str, list[int]] = defaultdict(list)
    active_ids: list[int] = []
    language_codes = list(LANGUAGE_WEIGHTS)
    language_weights = list(LANGUAGE_WEIGHTS.values())

    def qualification(profile_id: int, code: str, completed_on: date, status=QualificationStatus.VERIFIED) -> None:
        verified = status is QualificationStatus.VERIFIED
        qualifications.append(
            {
                "profile_id": profile_id,
                "type_id": type_ids[code],
                "other_description": None,
                "provider": "WIR-Vielfaltszentrum Landkreis Kassel",
                "completed_on": completed_on,
                "teaching_units": type_units[code],
                "status": status,
                "submitted_at": now,
                "submitted_by_id": None,
                "decided_at": now if verified else None,
                "decided_by_id": None,
                "rejection_reason": None,
                "valid_until": valid_until(completed_on, validity[code]) if verified else None,
                "expired_at": None,
                "has_proof": False,
            }
        )

    for pid in range(1, size + 1):
        status = weighted(rng, STATUSES)
        users.append(
            {
                "id": pid,
                "email": f"bench{pid}@example.org",
                "given_name": rng.choice(GIVEN_NAMES),
                "family_name": f"{rng.choice(FAMILY_NAMES)}-{pid}",
                "password_hash": DUMMY_HASH,
                "locale": "de",
                "session_version": 1,
                "active": status is not VolunteerStatus.RETIRED,
                "email_confirmed_at": now,
                "is_coordinator": False,
                "is_volunteer": True,
                "created_at": now,
                "last_login_at": None,
                "deactivated_at": None,
            }
        )
        area_language = rng.random() < 0.85
        area_health = rng.random() < 0.35 or not area_language
        kinds = {
            "kind_interpreting": rng.random() < 0.7,
            "kind_accompanying": rng.random() < 0.55,
            "kind_information_event": rng.random() < 0.25,
            "kind_mentoring": rng.random() < 0.25,
        }
        if not any(kinds.values()):
            kinds["kind_interpreting"] = True
        mobility = weighted(rng, MOBILITY) if rng.random() < 0.95 else None
        profiles.append(
            {
                "id": pid,
                "user_id": pid,
                "phone": None,
                "home_place_id": rng.choices(places, weights=place_weights)[0][0] if rng.random() < 0.97 else None,
                "mobility": mobility,
                "max_travel_km": rng.choice([10, 15, 20, 25, 30, 40, 50]) if rng.random() < 0.95 else None,
                "german_level": weighted(rng, GERMAN_LEVELS),
                "area_language": area_language,
                "area_health": area_health,
                **kinds,
                "gender": weighted(rng, GENDERS),
                "gender_self_description": None,
                "max_assignments_per_month": rng.choice([2, 3, 4, 4, 4, 6, 8]),
                "contact_channel": ContactChannel.NONE,
                "status": status,
                "created_at": now,
                "updated_at": now,
                "version": 1,
            }
        )
        spoken: list[str] = []
        for _ in range(rng.choices([1, 2, 3], weights=[50, 35, 15])[0]):
            code = rng.choices(language_codes, weights=language_weights)[0]
            if code not in spoken:
                spoken.append(code)
        for index, code in enumerate(spoken):
            level = weighted(rng, FIRST_LEVELS if index == 0 else OTHER_LEVELS)
            languages.append({"profile_id": pid, "language_code": code, "level": level})
            if status is not VolunteerStatus.RETIRED:
                speakers[code].append(pid)
        cells: set[tuple[int, DayPart]] = set()
        for _ in range(rng.randint(3, 9)):
            weekday = rng.choices(range(7), weights=[5, 5, 5, 5, 5, 2, 1])[0]
            cells.add((weekday, rng.choice(list(DayPart))))
        slots.extend({"profile_id": pid, "weekday": w, "day_part": part} for w, part in sorted(cells, key=str))
        if rng.random() < 0.1:
            first = day + timedelta(days=rng.randint(-30, 60))
            absences.append({"profile_id": pid, "starts_on": first, "ends_on": first + timedelta(rng.randint(2, 21))})

        if status is VolunteerStatus.ACTIVE:
            active_ids.append(pid)
            roll = rng.random()
            if roll < 0.80:  # the basic course, in good standing (refresher after 24 months)
                qualification(pid, "lay-interpreter-basic", day - timedelta(days=rng.randint(10, 600)))
            elif roll < 0.88:  # older, kept in standing by a refresher
                qualification(pid, "lay-interpreter-basic", day - timedelta(days=rng.randint(700, 1000)))
                qualification(pid, rng.choice(["deepening-seminar", "reflection-meeting"]), day - timedelta(days=90))
            elif roll < 0.92:  # lapsed: needs a refresher
                qualification(pid, "lay-interpreter-basic", day - timedelta(days=rng.randint(760, 1100)))
            if rng.random() < 0.15:
                qualification(pid, "integration-guide-basic", day - timedelta(days=rng.randint(10, 600)))
            if area_health and rng.random() < 0.7:
                code = rng.choices(
                    ["health-guide-gkv", "mimi-health-mediator", "health-module-interpreters"], weights=[45, 25, 30]
                )[0]
                qualification(pid, code, day - timedelta(days=rng.randint(10, 900)))
            if rng.random() < 0.03:
                qualification(pid, "deepening-seminar", day - timedelta(days=5), QualificationStatus.PENDING)
        elif status is VolunteerStatus.APPLICANT and rng.random() < 0.5:
            qualification(pid, "lay-interpreter-basic", day - timedelta(days=30), QualificationStatus.PENDING)

        if status is not VolunteerStatus.APPLICANT or rng.random() < 0.5:
            signatures.extend({"profile_id": pid, "version_id": v, "signed_at": now} for v in newest_versions)
        if status is not VolunteerStatus.APPLICANT and rng.random() < 0.95:
            shown = day - timedelta(days=rng.randint(5, 4 * 365))
            certificates.append(
                {
                    "profile_id": pid,
                    "kind": CertificateKind.EXTENDED if rng.random() < 0.4 else CertificateKind.SIMPLE,
                    "issued_on": shown - timedelta(days=rng.randint(5, 60)),
                    "shown_on": shown,
                    "result": CertificateResult.NO_ENTRIES,
                    "next_due_on": police_certificate_due(shown),
                    "recorded_by_id": None,
                    "recorded_at": now,
                    "expired_at": None,
                }
            )

    for model, rows in (
        (User, users),
        (VolunteerProfile, profiles),
        (VolunteerLanguage, languages),
        (AvailabilitySlot, slots),
        (Absence, absences),
        (Qualification, qualifications),
        (DeclarationSignature, signatures),
        (PoliceCertificate, certificates),
    ):
        t0 = time.perf_counter()
        insert(model.__table__, rows, counts)
        log(f"    {model.__tablename__}: {len(rows):,} rows in {time.perf_counter() - t0:.1f} s")
    return Volunteers(places=places, speakers=speakers, active_ids=active_ids)


def seed_assignments(size, rng, places, speakers, active_ids, counts) -> tuple[list[int], list[tuple[int, str]]]:
    """Organisations, earlier and upcoming requests with offers (accepted, declined, expired),
    and a few exclusions."""
    located = [pid for pid, _, latitude in places if latitude is not None]
    organisation_count = 200
    organisations = seed_organisations(organisation_count, rng, located, counts)

    active = set(active_ids)
    active_speakers = {code: [pid for pid in ids if pid in active] for code, ids in speakers.items()}
    codes = [code for code in LANGUAGE_WEIGHTS if active_speakers.get(code)]
    weights = [LANGUAGE_WEIGHTS[code] for code in codes]
    request_count = 300 + size // 20
    requests, offers, clients = [], [], []
    for rid in range(1, request_count + 1):
        oid = rng.randint(1, organisation_count)
        client = f"K-{oid}-{rng.randint(1, 25)}"
        clients.append((oid, client))
        code = rng.choices(codes, weights=weights)[0]
        # From four months back to a month ahead, on weekdays within the availability grid.
        local_day = today() + timedelta(days=rng.randint(-120, 30))
        local = datetime(local_day.year, local_day.month, local_day.day, rng.randint(8, 18), 0, tzinfo=BERLIN)
        starts_at = local.astimezone(UTC)
        requests.append(
            {
                "id": rid,
                "organisation_id": oid,
                "created_by_id": None,
                "entered_by_centre": False,
                "area": rng.choice([Area.LANGUAGE, Area.LANGUAGE, Area.HEALTH]),
                "kind": rng.choice([WorkKind.INTERPRETING, WorkKind.INTERPRETING, WorkKind.ACCOMPANYING]),
                "places_needed": 1,
                "places_filled": 1,
                "language_code": code,
                "topic": rng.choice(list(TopicCategory)),
                "mode": rng.choice([Mode.ON_SITE, Mode.ON_SITE, Mode.PHONE]),
                "starts_at": starts_at,
                "duration_minutes": rng.choice([60, 90, 120]),
                "alternative_starts_at": None,
                "place_id": rng.choice(located),
                "meeting_point": "Empfang",
                "contact_on_site": None,
                "gender_preference": GenderPreference.NONE,
                "minors_involved": False,
                "urgent": False,
                "urgent_reason": None,
                "client_reference": client,
                "consent_confirmed": True,
                "not_excluded_confirmed": True,
                "state": RequestState.FILLED,
                "cancel_reason": None,
                "created_at": starts_at - timedelta(days=10),
                "updated_at": starts_at - timedelta(days=9),
                "version": 1,
            }
        )
        asked = rng.sample(active_speakers[code], min(len(active_speakers[code]), rng.randint(1, 4)))
        for index, pid in enumerate(asked):
            # The last one asked accepted; the others declined, let it expire or cancelled.
            if index == len(asked) - 1:
                state = OfferState.ACCEPTED
            else:
                state = rng.choice([OfferState.DECLINED, OfferState.DECLINED, OfferState.EXPIRED])
            offered_at = starts_at - timedelta(days=9)
            offers.append(
                {
                    "request_id": rid,
                    "profile_id": pid,
                    "state": state,
                    "offered_at": offered_at,
                    "offered_by_id": None,
                    "expires_at": offered_at + timedelta(days=2),
                    "responded_at": None if state is OfferState.EXPIRED else offered_at + timedelta(hours=5),
                    "response_channel": None if state is OfferState.EXPIRED else ResponseChannel.LINK,
                    "calendar_sequence": 0,
                }
            )
    insert(SupportRequest.__table__, requests, counts)
    insert(Offer.__table__, offers, counts)
    now = datetime.now(UTC)
    exclusions = [
        {
            "profile_id": rng.choice(active_ids),
            "organisation_id": rng.randint(1, organisation_count),
            "client_reference": rng.choice([None, f"K-{rng.randint(1, organisation_count)}-1"]),
            "reason": "Benchmark",
            "created_by_id": None,
            "created_at": now,
        }
        for _ in range(max(20, size // 200))
    ]
    insert(Exclusion.__table__, exclusions, counts)
    return organisations, clients


def seed_organisations(count: int, rng: random.Random, located: list[int], counts: dict[str, int]) -> list[int]:
    """`count` approved organisations (ids 1..count) in places with coordinates."""
    now = datetime.now(UTC)
    organisations = [
        {
            "id": oid,
            "name": f"Verein {oid} e.V.",
            "name_key": f"verein {oid} e.v.",
            "place_id": rng.choice(located),
            "contact_user_id": None,
            "status": OrganisationStatus.APPROVED,
            "rejection_reason": None,
            "created_at": now,
            "decided_at": now,
            "decided_by_id": None,
        }
        for oid in range(1, count + 1)
    ]
    insert(Organisation.__table__, organisations, counts)
    return [row["id"] for row in organisations]


def finish_database(counts: dict[str, int]) -> None:
    """What the running app would have done after such a load: on SQLite, the daily
    `planner-statistics` job of `flask tick` (ANALYZE); on PostgreSQL, move the id sequences
    past the ids given explicitly and ANALYZE, as autovacuum would soon after a bulk load."""
    if db.engine.dialect.name != "postgresql":
        planner_statistics(datetime.now(UTC))
        db.session.commit()
        return
    with db.engine.begin() as connection:
        for name in counts:
            if "id" in db.metadata.tables[name].c:
                next_id = f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {name})"  # noqa: S608 - our own table names
                connection.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), {next_id}, false)")
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("ANALYZE")
