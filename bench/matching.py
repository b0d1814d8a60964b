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
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from bench.databases import database  # noqa: E402
from bench.seeding import LANGUAGE_WEIGHTS, Seeded, seed  # noqa: E402
from volunteers import create_app  # noqa: E402
from volunteers.clock import BERLIN, today  # noqa: E402
from volunteers.db_types import sqlite_write_intent  # noqa: E402
from volunteers.extensions import db  # noqa: E402
from volunteers.models import SupportRequest  # noqa: E402
from volunteers.models.enums import Area, GenderPreference, Mode, RequestState, TopicCategory, WorkKind  # noqa: E402
from volunteers.services import candidates, eligibility  # noqa: E402
from volunteers.services.matching import match  # noqa: E402

TARGET_SIZE = 10_000
TARGET_P95_MS = 100.0

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
            rng = random.Random(args.seed + size)
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
