"""Where the benchmarks' data goes: a fresh SQLite file or PostgreSQL database per run, and a
throwaway PostgreSQL cluster (scripts/lib/postgres.sh) when no server is given. Each is gone
again at the end, also after an error."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent


@contextlib.contextmanager
def database(kind: str, url: str | None, size: int, workdir: Path) -> Iterator[str]:
    """A fresh, empty database for one size: a SQLite file, or a PostgreSQL database that is
    dropped again at the end."""
    if kind == "sqlite":
        path = workdir / f"bench_{size}.sqlite3"
        try:
            yield f"sqlite:///{path}"
        finally:
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


@contextlib.contextmanager
def throwaway_postgres() -> Iterator[str]:
    """scripts/lib/postgres.sh's cluster, as scripts/test.sh uses it; stopped again at the end."""
    script = (
        "source scripts/lib/postgres.sh && start_throwaway_postgres >&2"
        ' && printf "%s\\n" "$TEST_DATABASE_URL" "$PG_TMP" "$PG_BINDIR"'
    )
    started = subprocess.run(["bash", "-c", script], cwd=ROOT, capture_output=True, text=True, check=False)
    lines = started.stdout.split()
    if started.returncode != 0 or len(lines) != 3:
        raise SystemExit(f"Could not start a throwaway PostgreSQL (scripts/lib/postgres.sh):\n{started.stderr}")
    url, pg_tmp, pg_bindir = lines
    print(f"  {started.stderr.strip()}", file=sys.stderr, flush=True)
    try:
        yield url
    finally:
        stop = "source scripts/lib/postgres.sh && stop_throwaway_postgres"
        environment = {**os.environ, "PG_TMP": pg_tmp, "PG_BINDIR": pg_bindir}
        subprocess.run(["bash", "-c", stop], cwd=ROOT, env=environment, check=False)
