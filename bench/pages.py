"""Page benchmark: the pages coordinators, volunteers and organisations use daily, under gunicorn,
with years of history, against a bare Flask endpoint on the same database in the same run.

    python bench/pages.py --database sqlite|postgresql --volunteers 10000 --requests 50000 --json out.json

It seeds a fresh database (bench/page_data.py), starts the app under gunicorn and the bare
endpoint (bench/bare.py) beside it, logs in as a coordinator, a volunteer and an organisation's
admin, and loads each page with `wrk` and many concurrent clients, each page followed by a run of
the bare endpoint so that a noisy machine affects both alike. Statements per page are counted
in-process (the Flask test client, logged in the same way). See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import http.cookiejar
import json
import os
import platform
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from bench.databases import database, throwaway_postgres  # noqa: E402
from bench.page_data import (  # noqa: E402
    COORDINATOR_EMAIL,
    ORGANISATION_EMAIL,
    PASSWORD,
    VOLUNTEER_EMAIL,
    PageData,
    seed_pages,
    settlement_month,
)
from volunteers import create_app  # noqa: E402
from volunteers.clock import today  # noqa: E402
from volunteers.extensions import db  # noqa: E402
from volunteers.models import SupportRequest  # noqa: E402
from volunteers.services import candidates  # noqa: E402

BENCH = Path(__file__).resolve().parent
WRK_MISSING = (
    "wrk is not installed. Install it with `scripts/system-deps.sh wrk` (or `sudo apt-get install -y wrk`), "
    "then run this again."
)
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Page:
    name: str
    role: str
    path: str


@dataclass
class Result:
    page: str
    rps: float
    #: None when no request finished within the run.
    p50_ms: float | None
    p95_ms: float | None
    errors: int
    bare_rps: float
    share: float
    statements: int


def pages(data: PageData) -> list[Page]:
    filters = urllib.parse.urlencode(
        {
            "language": "ara",
            "area": "language",
            "kind": "interpreting",
            "status": "active",
            "qualified_on": (today() + timedelta(days=7)).isoformat(),
        }
    )
    return [
        Page("coordinator overview", COORDINATOR_EMAIL, "/coordinator/"),
        Page("board", COORDINATOR_EMAIL, "/coordinator/requests"),
        Page("week", COORDINATOR_EMAIL, "/coordinator/week"),
        Page("request page (ranking)", COORDINATOR_EMAIL, f"/coordinator/requests/{data.request_id}"),
        Page("volunteer list", COORDINATOR_EMAIL, "/coordinator/volunteers"),
        Page("volunteer list, filtered", COORDINATOR_EMAIL, f"/coordinator/volunteers?{filters}"),
        Page("volunteer record", COORDINATOR_EMAIL, f"/coordinator/volunteers/{data.volunteer_id}"),
        Page("expiring", COORDINATOR_EMAIL, "/coordinator/expiring"),
        Page("outbox", COORDINATOR_EMAIL, "/coordinator/outbox"),
        Page("reports missing", COORDINATOR_EMAIL, "/coordinator/assignments?show=missing"),
        Page("settlement months", COORDINATOR_EMAIL, "/coordinator/settlement"),
        Page("settlement of a month", COORDINATOR_EMAIL, f"/coordinator/settlement/{settlement_month():%Y-%m}"),
        Page("volunteer home", VOLUNTEER_EMAIL, "/volunteer/"),
        Page("organisation home", ORGANISATION_EMAIL, "/organisation/"),
        Page("appointments to confirm", ORGANISATION_EMAIL, "/organisation/to-confirm"),
    ]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# Processes: the two gunicorn servers


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    name: str
    process: subprocess.Popen
    base: str
    log_path: Path

    def worker_rss_mb(self) -> list[float]:
        """Resident memory of each worker (the gunicorn master's children), from /proc."""
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        sizes = []
        for child in children:
            status = Path(f"/proc/{child}/status").read_text()
            kilobytes = int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE).group(1))
            sizes.append(kilobytes / 1024)
        return sizes


@contextlib.contextmanager
def gunicorn(name: str, target: str, workers: int, environment: dict[str, str], workdir: Path) -> Iterator[Server]:
    port = free_port()
    log_path = workdir / f"{name}.log"
    command = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", f"127.0.0.1:{port}"]
    command += ["--chdir", str(ROOT), "--timeout", "120", target]
    with log_path.open("wb") as output:
        # A session of its own: Ctrl-C reaches this script, which then stops the server.
        process = subprocess.Popen(
            command, env={**os.environ, **environment}, stdout=output, stderr=output, start_new_session=True
        )
    try:
        yield Server(name, process, f"http://127.0.0.1:{port}", log_path)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_until_up(server: Server, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise SystemExit(f"{server.name} did not start:\n{server.log_path.read_text()[-3000:]}")
        with contextlib.suppress(OSError), urllib.request.urlopen(server.base + "/", timeout=5):
            return
        time.sleep(0.3)
    raise SystemExit(f"{server.name} did not answer within {seconds:.0f} s:\n{server.log_path.read_text()[-3000:]}")


# ---------------------------------------------------------------------------------------------
# Logging in, over HTTP for wrk and with the test client for the statement counts


def login_cookie(base: str, email: str) -> str:
    """The Cookie header of a session logged in through the login form (GET, CSRF token, POST)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(base + "/login") as response:
        token = CSRF.search(response.read().decode()).group(1)
    form = urllib.parse.urlencode({"email": email, "password": PASSWORD, "csrf_token": token}).encode()
    with opener.open(base + "/login", data=form) as response:
        if urllib.parse.urlparse(response.url).path == "/login":
            raise SystemExit(f"Logging in as {email} failed: the login page came back.")
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


def check_page(base: str, page: Page, cookie: str) -> float:
    """Loads the page once with the session; a 200 or the benchmark stops. Returns the ms it took."""
    request = urllib.request.Request(base + page.path, headers={"Cookie": cookie})
    opener = urllib.request.build_opener(NoRedirects())
    started = time.perf_counter()
    try:
        with opener.open(request, timeout=300) as response:
            response.read()
    except urllib.error.HTTPError as error:
        raise SystemExit(f"{page.name} ({page.path}) answered {error.code}: see the app's log") from error
    return (time.perf_counter() - started) * 1000


def drain(server: Server) -> float:
    """Waits until the server has answered what wrk left queued when it stopped (a sync worker
    still works through every request sent to it), so that the next run starts on an idle
    server; returns the seconds that took."""
    started = time.perf_counter()
    with urllib.request.urlopen(server.base + "/login", timeout=600) as response:
        response.read()
    return time.perf_counter() - started


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_args, **_kwargs):
        return None  # a redirect (to the login page, say) is an answer of its own: an HTTPError


def count_statements(config: dict, page_list: list[Page]) -> dict[str, int]:
    """SQL statements each page runs, counted in-process on the same database: the second of
    two loads (the first fills caches), logged in through the login form."""
    app = create_app("production", config)
    with app.app_context():
        engine = db.engine
    counts: dict[str, int] = {}
    statements = [0]

    def count(*_args) -> None:
        statements[0] += 1

    # No app context held around the requests: each has its own, as under gunicorn.
    clients = {}
    for page in page_list:
        if page.role not in clients:
            client = clients[page.role] = app.test_client()
            token = CSRF.search(client.get("/login").get_data(as_text=True)).group(1)
            answer = client.post("/login", data={"email": page.role, "password": PASSWORD, "csrf_token": token})
            if answer.status_code != 302 or "/login" in answer.headers["Location"]:
                raise SystemExit(f"Logging in as {page.role} in-process failed ({answer.status_code}).")
        client = clients[page.role]
        client.get(page.path)
        sa.event.listen(engine, "before_cursor_execute", count)
        try:
            statements[0] = 0
            answer = client.get(page.path)
        finally:
            sa.event.remove(engine, "before_cursor_execute", count)
        if answer.status_code != 200:
            raise SystemExit(f"{page.name} ({page.path}) answered {answer.status_code} in-process.")
        counts[page.name] = statements[0]
    engine.dispose()
    return counts


# ---------------------------------------------------------------------------------------------
# Load


@dataclass
class Load:
    rps: float
    p50_ms: float
    p95_ms: float
    errors: int


def wrk(url: str, args, cookie: str | None = None) -> Load:
    command = ["wrk", "--threads", str(min(2, args.clients)), "--connections", str(args.clients)]
    command += ["--duration", f"{args.duration}s", "--timeout", "30s", "--script", str(BENCH / "wrk.lua")]
    if cookie:
        command += ["--header", f"Cookie: {cookie}"]
    finished = subprocess.run([*command, url], capture_output=True, text=True, check=False)
    lines = [line for line in finished.stdout.splitlines() if line.startswith("{")]
    if finished.returncode != 0 or not lines:
        raise SystemExit(f"wrk failed on {url}:\n{finished.stdout}\n{finished.stderr}")
    summary = json.loads(lines[-1])
    return Load(
        rps=summary["requests"] / summary["seconds"],
        p50_ms=summary["p50_us"] / 1000,
        p95_ms=summary["p95_us"] / 1000,
        errors=summary["socket_errors"] + summary["not_2xx"],
    )


def measure(app: Server, bare: Server, page_list: list[Page], statements: dict[str, int], args) -> list[Result]:
    cookies = {email: login_cookie(app.base, email) for email in dict.fromkeys(page.role for page in page_list)}
    for page in page_list:
        log(f"  {page.name}: {check_page(app.base, page, cookies[page.role]):.0f} ms alone")
    wrk(bare.base + "/", args)  # warm-up: both servers' workers, the page cache of the database
    results = []
    for page in page_list:
        load = wrk(app.base + page.path, args, cookies[page.role])
        if (waited := drain(app)) > 1:
            log(f"    {waited:.1f} s until the app had answered the requests left queued")
        yardstick = wrk(bare.base + "/", args)
        share = load.rps / yardstick.rps if yardstick.rps else 0.0
        results.append(
            Result(
                page.name,
                round(load.rps, 1),
                round(load.p50_ms, 1) if load.rps else None,
                round(load.p95_ms, 1) if load.rps else None,
                load.errors,
                round(yardstick.rps, 1),
                round(share, 4),
                statements[page.name],
            )
        )
        log(f"  {page.name}: {load.rps:.1f}/s, p95 {load.p95_ms:.0f} ms, {load.errors} errors")
        if not load.rps:
            log(f"    no answer within {args.duration} s: a longer --duration measures this page")
        log(f"    bare endpoint: {yardstick.rps:.0f}/s")
    return results


def milliseconds(value: float | None) -> str:
    return f"{'-':>9}" if value is None else f"{value:>9.1f}"


def table(results: list[Result]) -> str:
    columns = f"{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'errors':>8}{'bare req/s':>12}{'share':>8}{'statements':>12}"
    lines = [f"{'page':<26}{columns}"]
    for r in results:
        lines.append(
            f"{r.page:<26}{r.rps:>9.1f}{milliseconds(r.p50_ms)}{milliseconds(r.p95_ms)}{r.errors:>8}{r.bare_rps:>12.1f}"
            f"{r.share:>8.1%}{r.statements:>12}"
        )
    return "\n".join(lines)


def server_version(url: str) -> str:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            if engine.dialect.name == "sqlite":
                return "SQLite " + connection.scalar(sa.text("SELECT sqlite_version()"))
            return "PostgreSQL " + connection.scalar(sa.text("SHOW server_version")).split()[0]
    finally:
        engine.dispose()


def run(args, url: str, workdir: Path) -> tuple[list[Result], str]:
    secret = secrets.token_urlsafe(32)
    config = {
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": secret,
        "BASE_URL": "http://127.0.0.1",
        "COORDINATOR_SECOND_FACTOR": "optional",
        "MAIL_FILE_DIR": str(workdir / "mail"),
    }
    app = create_app("production", config)
    with app.app_context():
        try:
            t0 = time.perf_counter()
            upgrade()
            log(f"  migrated in {time.perf_counter() - t0:.1f} s; seeding")
            rng = random.Random(args.seed + args.volunteers)
            data = seed_pages(args.volunteers, args.requests, rng, log)
            log(f"  seeded in {data.seconds:.1f} s: " + ", ".join(f"{k} {v:,}" for k, v in data.rows.items()))
            ranking = candidates.rank(db.session.get(SupportRequest, data.request_id))
            ranked = len(ranking.result.ranked)
        finally:
            db.session.remove()
            db.engine.dispose()
    page_list = pages(data)
    environment = {
        "VOLUNTEERS_ENV": "production",
        "DATABASE_URL": url,
        "SECRET_KEY": secret,
        "BASE_URL": "http://127.0.0.1",
        "COORDINATOR_SECOND_FACTOR": "optional",
        "MAIL_FILE_DIR": str(workdir / "mail"),
        "VOLUNTEERS_INSTANCE_PATH": str(workdir / "instance"),
        "BENCH_DATABASE_URL": url,
    }
    with (
        gunicorn("app", "wsgi:app", args.workers, environment, workdir) as app_server,
        gunicorn("bare", "bench.bare:app", args.workers, environment, workdir) as bare_server,
    ):
        # Counted while the servers start: the in-process app only reads.
        statements = count_statements(config, page_list)
        log("  statements per page: " + ", ".join(f"{name} {count}" for name, count in statements.items()))
        wait_until_up(app_server)
        wait_until_up(bare_server)
        log(f"  app on {app_server.base}, bare endpoint on {bare_server.base}; {args.duration} s per run")
        results = measure(app_server, bare_server, page_list, statements, args)
        memory = (
            f"Worker memory (RSS) after the run: app {', '.join(f'{mb:.0f}' for mb in app_server.worker_rss_mb())} MB;"
            f" bare {', '.join(f'{mb:.0f}' for mb in bare_server.worker_rss_mb())} MB"
        )
    return results, f"{memory}\nThe request page ranks {ranked} candidates (request {data.request_id})."


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], required=True)
    parser.add_argument("--volunteers", type=int, default=10_000, help="volunteers seeded (default 10000)")
    parser.add_argument("--requests", type=int, default=50_000, help="support requests over three years")
    parser.add_argument("--duration", type=int, default=5, help="seconds of load per page and per bare run")
    parser.add_argument("--clients", type=int, default=20, help="concurrent connections (default 20)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers of each server (default 2)")
    parser.add_argument(
        "--url", help="postgresql+psycopg:// URL of a server (default: $BENCH_DATABASE_URL, else a throwaway cluster)"
    )
    parser.add_argument("--seed", type=int, default=20261207, help="random seed of the test data")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args(argv)
    for name in ("volunteers", "requests", "duration", "clients", "workers"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1")
    if shutil.which("wrk") is None:
        print(WRK_MISSING, file=sys.stderr)
        return 2
    # Ended by a signal (kill, a CI timeout): still stop the servers and drop the database.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    load_before = " ".join(f"{value:.1f}" for value in os.getloadavg())
    with contextlib.ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="volunteers-pages-")))
        server_url = None
        if args.database == "postgresql":
            server_url = args.url or os.environ.get("BENCH_DATABASE_URL")
            if server_url is None:
                log("  starting a throwaway PostgreSQL cluster")
                server_url = stack.enter_context(throwaway_postgres())
            elif not server_url.startswith("postgresql"):
                parser.error("--url must be a postgresql+psycopg:// URL")
        url = stack.enter_context(database(args.database, server_url, args.volunteers, workdir))
        log(f"  {args.database}: {args.volunteers:,} volunteers, {args.requests:,} requests")
        results, memory = run(args, url, workdir)
        server = server_version(url)
    load_after = " ".join(f"{value:.1f}" for value in os.getloadavg())
    print(
        f"Python {platform.python_version()}, {server}, {os.cpu_count()} cores; {args.volunteers:,} volunteers, "
        f"{args.requests:,} requests; {args.clients} clients, {args.workers} workers, {args.duration} s per run; "
        f"load average {load_before} before, {load_after} after"
    )
    print(table(results))
    print(memory)
    if args.json:
        args.json.write_text(json.dumps([asdict(result) for result in results], indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
