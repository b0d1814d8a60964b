"""Benchmark of the matching: `volunteers.services.candidates.rank(request)` on a seeded database.

    python bench/matching.py --database sqlite|postgresql [--sizes 1000 10000 50000] [--requests 50]

For each size N a fresh database is migrated (`flask_migrate.upgrade`, which seeds places,
languages, the training catalogue, requirements and declarations), N volunteers are seeded in
bulk with SQLAlchemy Core (fixed random seed), a few hundred organisations, past and upcoming
requests and offers give the busy, fairness and reliability queries something to find, and then
`--requests` new support requests are ranked one by one and timed (after one warm-up call).

See bench/README.md for how to run it against a throwaway PostgreSQL and for the numbers.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import gc
import io
import os
import platform
import pstats
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from volunteers import create_app  # noqa: E402
from volunteers.clock import BERLIN, today  # noqa: E402
from volunteers.db_types import sqlite_write_intent  # noqa: E402
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
from volunteers.services import candidates, eligibility  # noqa: E402
from volunteers.services.matching import match  # noqa: E402
from volunteers.services.validity import police_certificate_due, valid_until  # noqa: E402

TARGET_SIZE = 10_000
TARGET_P95_MS = 100.0
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
# Databases


@contextlib.contextmanager
def database(kind: str, url: str | None, size: int, workdir: Path) -> Iterator[str]:
    """A fresh, empty database for one size: a SQLite file, or a PostgreSQL database that is
    dropped again at the end."""
    if kind == "sqlite":
        path = workdir / f"bench_{size}.sqlite3"
        yield f"sqlite:///{path}"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    assert url is not None
    name = f"volunteers_bench_{size}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield sa.make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


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


def seed(size: int, rng: random.Random, log) -> Seeded:
    started = time.perf_counter()
    day = today()
    now = datetime.now(UTC)
    counts: dict[str, int] = {}

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

    organisations, clients = seed_assignments(size, rng, places, speakers, active_ids, counts)
    t0 = time.perf_counter()
    finish_database(counts)
    log(f"    sequences and statistics in {time.perf_counter() - t0:.1f} s")
    return Seeded(
        size=size,
        places=places,
        speakers=speakers,
        active_ids=active_ids,
        organisations=organisations,
        clients=clients,
        seconds=time.perf_counter() - started,
        rows=counts,
    )


def seed_assignments(size, rng, places, speakers, active_ids, counts) -> tuple[list[int], list[tuple[int, str]]]:
    """Organisations, earlier and upcoming requests with offers (accepted, declined, expired),
    and a few exclusions."""
    now = datetime.now(UTC)
    located = [pid for pid, _, latitude in places if latitude is not None]
    organisation_count = 200
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
        for oid in range(1, organisation_count + 1)
    ]
    insert(Organisation.__table__, organisations, counts)

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
    return [row["id"] for row in organisations], clients


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


# ---------------------------------------------------------------------------------------------
# The requests that are ranked


def make_requests(count: int, seeded: Seeded, rng: random.Random) -> list[int]:
    """`count` open requests over languages (as often as they are spoken), areas, kinds, modes,
    places and weekday times within the availability grid (8–21 h), one to four weeks ahead."""
    located = [pid for pid, _, latitude in seeded.places if latitude is not None]
    codes = [code for code in LANGUAGE_WEIGHTS if seeded.speakers.get(code)]
    weights = [LANGUAGE_WEIGHTS[code] for code in codes]
    records = []
    for _ in range(count):
        duration = rng.choice([60, 90, 120])
        local_day = today() + timedelta(days=rng.randint(7, 28))
        local_day += timedelta(days=(rng.randint(0, 4) - local_day.weekday()) % 7)
        latest = 21 * 60 - duration
        minute = rng.randrange(8 * 60, latest + 1, 30)
        local = datetime(local_day.year, local_day.month, local_day.day, minute // 60, minute % 60, tzinfo=BERLIN)
        alternative = None
        if rng.random() < 0.25:
            alternative = (local + timedelta(days=rng.choice([1, 2, 7]), hours=rng.choice([-2, 0, 2]))).astimezone(UTC)
        if rng.random() < 0.3:
            organisation_id, client = rng.choice(seeded.clients)
        else:
            organisation_id = rng.choice(seeded.organisations)
            client = f"K-{organisation_id}-{rng.randint(100, 999)}"
        area = Area.LANGUAGE if rng.random() < 0.7 else Area.HEALTH
        records.append(
            SupportRequest(
                organisation_id=organisation_id,
                area=area,
                kind=rng.choices(list(WorkKind), weights=[50, 30, 10, 10])[0],
                places_needed=rng.choice([1, 1, 1, 2]),
                places_filled=0,
                language_code=rng.choices(codes, weights=weights)[0],
                topic=TopicCategory.HEALTH_GP if area is Area.HEALTH else TopicCategory.AUTHORITIES,
                mode=rng.choices([Mode.ON_SITE, Mode.PHONE, Mode.VIDEO], weights=[70, 15, 15])[0],
                starts_at=local.astimezone(UTC),
                duration_minutes=duration,
                alternative_starts_at=alternative,
                place_id=rng.choice(located),
                meeting_point="Empfang",
                gender_preference=rng.choices(list(GenderPreference), weights=[80, 15, 5])[0],
                minors_involved=rng.random() < 0.1,
                client_reference=client,
                consent_confirmed=True,
                not_excluded_confirmed=True,
                state=RequestState.OPEN,
            )
        )
    db.session.add_all(records)
    db.session.commit()
    ids = [record.id for record in records]
    db.session.remove()
    return ids


# ---------------------------------------------------------------------------------------------
# Timing


@dataclass
class Measured:
    database: str
    size: int
    seed_seconds: float
    milliseconds: list[float]
    speakers: list[int]
    found: int
    slowest_id: int
    server: str = ""
    #: The CPU check just before and just after the timing: see cpu_check().
    cpu_ms: tuple[float, float] = (0.0, 0.0)

    def percentile(self, p: int) -> float:
        if len(self.milliseconds) < 2:
            return self.milliseconds[0]
        return statistics.quantiles(self.milliseconds, n=100, method="inclusive")[p - 1]


def fresh(request_id: int) -> SupportRequest:
    """The request as a page would have it: loaded in a fresh session (not timed)."""
    db.session.remove()
    record = db.session.get(SupportRequest, request_id)
    assert record is not None
    return record


def cpu_check() -> float:
    """Milliseconds a fixed pure-Python loop takes (best of three). Shared virtual machines
    change speed from one minute to the next; this says how fast this one was at the time."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        sum(i * i for i in range(1_000_000))
        best = min(best, (time.perf_counter() - started) * 1000)
    return best


def counted_funnel(record: SupportRequest) -> dict[str, int]:
    facts = candidates.request_facts(record)
    loaded, counted = candidates.load_candidates(record, facts)
    return dict(match(facts, loaded, timedelta(minutes=30), counted).funnel)


def time_requests(kind: str, seeded: Seeded, request_ids: list[int], repeat: int, log=None) -> Measured:
    candidates.rank(fresh(request_ids[0]))  # warm-up: statement caches, imports, the page cache
    cpu_ms = cpu_check()
    milliseconds, speakers, found = [], [], 0
    for request_id in request_ids:
        runs = []
        for _ in range(repeat):
            record = fresh(request_id)
            started = time.perf_counter()
            ranking = candidates.rank(record)
            runs.append((time.perf_counter() - started) * 1000)
        # The median of the runs: what the request costs, not a moment when the machine paused.
        milliseconds.append(statistics.median(runs))
        found += bool(ranking.result.ranked)
        # Not timed: the full funnel, which the page counts only when nobody passes.
        funnel = dict(ranking.result.funnel) or counted_funnel(record)
        speakers.append(funnel["language"])
        if log is not None:
            log(
                f"    request {request_id}: {record.language_code} {record.area.value}/{record.kind.value} "
                f"{record.mode.value}{' +alternative' if record.alternative_starts_at else ''}: "
                f"{milliseconds[-1]:.1f} ms; speakers {funnel['language']}, active {funnel['active']}, "
                f"qualified {funnel['qualified']}, ranked {len(ranking.result.ranked)}"
            )
    db.session.remove()
    slowest = request_ids[max(range(len(milliseconds)), key=milliseconds.__getitem__)]
    cpu = (cpu_ms, cpu_check())
    return Measured(kind, seeded.size, seeded.seconds, milliseconds, speakers, found, slowest, cpu_ms=cpu)


PHASES = ("rulebook", "load_held", "evaluate", "availability", "details", "pool+assembly", "match", "people", "other")


@contextlib.contextmanager
def phase_timers() -> Iterator[dict[str, float]]:
    """Wraps the steps of `rank` to add up the seconds each takes; also counts statements."""
    spent: dict[str, float] = defaultdict(float)
    spent["statements"] = 0

    def timed(name, function):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] += time.perf_counter() - started

        return wrapper

    patches = [
        (eligibility, "load_rulebook", "rulebook"),
        (eligibility, "load_held", "load_held"),
        (eligibility, "evaluate", "evaluate"),
        (candidates, "load_availability", "availability"),
        (candidates, "load_details", "details"),
        (candidates, "people", "people"),
        (candidates, "quick_candidates", "quick"),
        (candidates, "load_candidates", "counted"),
        (candidates, "match", "match"),
    ]
    originals = [(module, attribute, getattr(module, attribute)) for module, attribute, _ in patches]
    for module, attribute, name in patches:
        setattr(module, attribute, timed(name, getattr(module, attribute)))

    executing: list[float] = []
    collecting: list[float] = []

    def before_execute(*_args):
        spent["statements"] += 1
        executing.append(time.perf_counter())

    def after_execute(*_args):
        spent["db execute"] += time.perf_counter() - executing.pop()

    def garbage_collection(phase: str, _info: dict) -> None:
        if phase == "start":
            collecting.append(time.perf_counter())
        elif collecting:
            spent["gc"] += time.perf_counter() - collecting.pop()

    sa.event.listen(db.engine, "before_cursor_execute", before_execute)
    sa.event.listen(db.engine, "after_cursor_execute", after_execute)
    gc.callbacks.append(garbage_collection)
    try:
        yield spent
    finally:
        gc.callbacks.remove(garbage_collection)
        sa.event.remove(db.engine, "after_cursor_execute", after_execute)
        sa.event.remove(db.engine, "before_cursor_execute", before_execute)
        for module, attribute, original in originals:
            setattr(module, attribute, original)


def breakdown(request_ids: list[int]) -> dict[str, float]:
    """Average milliseconds per request in each step (a second pass, with the wrappers on)."""
    total = 0.0
    with phase_timers() as spent:
        for request_id in request_ids:
            record = fresh(request_id)
            started = time.perf_counter()
            candidates.rank(record)
            total += time.perf_counter() - started
    db.session.remove()
    loading = spent["quick"] + spent["counted"]
    inner = sum(spent[name] for name in ("rulebook", "load_held", "evaluate", "availability", "details"))
    spent["pool+assembly"] = loading - inner
    spent["other"] = total - loading - spent["match"] - spent["people"]
    n = len(request_ids)
    result = {name: spent[name] * 1000 / n for name in PHASES}
    result["total"] = total * 1000 / n
    result["db execute"] = spent["db execute"] * 1000 / n
    result["gc"] = spent["gc"] * 1000 / n
    result["statements"] = spent["statements"] / n
    return result


def profile(request_id: int, limit: int) -> str:
    record = fresh(request_id)
    profiler = cProfile.Profile()
    profiler.enable()
    candidates.rank(record)
    profiler.disable()
    db.session.remove()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(limit)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# Running


def run_size(kind: str, url: str, size: int, args, workdir: Path, log) -> tuple[Measured, dict[str, float] | None]:
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, "MAIL_FILE_DIR": str(workdir)})
    gc.collect()
    gc.freeze()  # as wsgi.py does after creating the app
    with app.app_context():
        try:
            t0 = time.perf_counter()
            upgrade()
            log(f"  {kind} N={size:,}: migrated in {time.perf_counter() - t0:.1f} s; seeding")
            rng = random.Random(args.seed + size)  # noqa: S311 - reproducible test data, no secrets
            seeded = seed(size, rng, log)
            log(f"  seeded in {seeded.seconds:.1f} s; creating {args.requests} requests")
            request_ids = make_requests(args.requests, seeded, rng)
            token = sqlite_write_intent.set(False)  # read like a page (GET) does: no write lock
            try:
                measured = time_requests(kind, seeded, request_ids, args.repeat, log if args.each else None)
                measured.server = server_version()
                db.session.remove()
                phases = breakdown(request_ids) if args.breakdown else None
                if args.profile:
                    log(f"\ncProfile of the slowest request (id {measured.slowest_id}), {kind}, N={size:,}:")
                    log(profile(measured.slowest_id, args.profile))
            finally:
                sqlite_write_intent.reset(token)
        finally:
            db.session.remove()
            db.engine.dispose()
    return measured, phases


def report(results: list[Measured], phases: dict[tuple[str, int], dict[str, float]]) -> str:
    lines = [
        f"{'database':<11}{'N':>8}{'speakers':>10}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'found':>9}{'seed s':>8}"
        f"{'cpu ms':>12}",
    ]
    for m in results:
        lines.append(
            f"{m.database:<11}{m.size:>8,}{statistics.fmean(m.speakers):>10.0f}{m.percentile(50):>9.1f}"
            f"{m.percentile(95):>9.1f}{max(m.milliseconds):>9.1f}{f'{m.found}/{len(m.milliseconds)}':>9}"
            f"{m.seed_seconds:>8.1f}{f'{m.cpu_ms[0]:.0f}/{m.cpu_ms[1]:.0f}':>12}"
        )
    if phases:
        names = [*PHASES, "total", "db execute", "gc", "statements"]
        widths = [max(len(name) + 2, 9) for name in names]
        lines += [
            "",
            "Average ms per request in each step of rank (a second pass, with timers around the steps;",
            "'db execute' and 'gc' overlap the steps: time inside cursor.execute, and in garbage collection):",
            f"{'database':<11}{'N':>8}"
            + "".join(f"{name:>{width}}" for name, width in zip(names, widths, strict=True)),
        ]
        for (kind, size), values in phases.items():
            lines.append(
                f"{kind:<11}{size:>8,}"
                + "".join(f"{values[name]:>{width}.1f}" for name, width in zip(names, widths, strict=True))
            )
    lines.append("")
    for m in results:
        if m.size == TARGET_SIZE:
            p95 = m.percentile(95)
            verdict = "met" if p95 < TARGET_P95_MS else "NOT met"
            lines.append(
                f"Target p95 < {TARGET_P95_MS:.0f} ms at {TARGET_SIZE:,} on {m.database}: {verdict} ({p95:.1f} ms)"
            )
    return "\n".join(lines)


def load_average() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def server_version() -> str:
    if db.engine.dialect.name == "sqlite":
        return "SQLite " + db.session.scalar(sa.text("SELECT sqlite_version()"))
    return "PostgreSQL " + db.session.scalar(sa.text("SHOW server_version")).split()[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], required=True)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 50_000])
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument(
        "--repeat", type=int, default=3, help="rank each request this often and count the median (default 3)"
    )
    parser.add_argument("--url", help="postgresql+psycopg:// URL of a server (default: $BENCH_DATABASE_URL)")
    parser.add_argument("--seed", type=int, default=20261125, help="random seed of the test data")
    parser.add_argument("--breakdown", action="store_true", help="also time the steps of rank (a second pass)")
    parser.add_argument("--each", action="store_true", help="list every timed request (on stderr)")
    parser.add_argument("--profile", type=int, default=0, metavar="LINES", help="cProfile the slowest request")
    args = parser.parse_args(argv)
    if args.requests < 1:
        parser.error("--requests must be at least 1")
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    url = None
    if args.database == "postgresql":
        url = args.url or os.environ.get("BENCH_DATABASE_URL")
        if not url or not url.startswith("postgresql"):
            parser.error("PostgreSQL needs --url or $BENCH_DATABASE_URL (postgresql+psycopg://...)")

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    load_before = load_average()
    results: list[Measured] = []
    phases: dict[tuple[str, int], dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="volunteers-bench-") as tmp:
        workdir = Path(tmp)
        for size in args.sizes:
            with database(args.database, url, size, workdir) as database_url:
                measured, steps = run_size(args.database, database_url, size, args, workdir, log)
            results.append(measured)
            if steps is not None:
                phases[(args.database, size)] = steps
            log(
                f"  N={size:,}: p50 {measured.percentile(50):.1f} ms, p95 {measured.percentile(95):.1f} ms, "
                f"{measured.found}/{len(measured.milliseconds)} found candidates"
            )
    print(
        f"Python {platform.python_version()}, {results[0].server}, {os.cpu_count()} cores; "
        f"load average {load_before} before, {load_average()} after"
    )
    print(report(results, phases))
    print(
        "Each request's time is the median of --repeat runs. cpu ms: a fixed Python loop before/after"
        " the timing (lower: a faster moment of this shared machine)."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
