"""The page benchmark (bench/pages.py) end to end at a tiny size: seeds, starts gunicorn and the
bare endpoint, logs in as each role, loads every page with wrk and writes its JSON. On the
suite's database: SQLite, or the PostgreSQL server of TEST_DATABASE_URL (a database of its own,
dropped at the end)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = [
    "coordinator overview",
    "board",
    "week",
    "request page (ranking)",
    "volunteer list",
    "volunteer list, filtered",
    "volunteer record",
    "expiring",
    "outbox",
    "reports missing",
    "settlement months",
    "settlement of a month",
    "volunteer home",
    "organisation home",
    "appointments to confirm",
]
KEYS = {"page", "rps", "p50_ms", "p95_ms", "errors", "bare_rps", "share", "statements"}


def test_page_benchmark_loads_every_page_without_errors(tmp_path):
    out = tmp_path / "pages.json"
    url = os.environ.get("TEST_DATABASE_URL", "")
    database = ["--database", "postgresql", "--url", url] if url.startswith("postgresql") else ["--database", "sqlite"]
    tiny = ["--volunteers", "200", "--requests", "300", "--duration", "1", "--clients", "2", "--json", str(out)]
    finished = subprocess.run(
        [sys.executable, "bench/pages.py", *database, *tiny],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr[-4000:]

    results = json.loads(out.read_text())
    assert [result["page"] for result in results] == PAGES
    for result in results:
        assert set(result) == KEYS
        assert result["errors"] == 0, result
        assert result["statements"] > 0, result
        assert result["rps"] > 0 and result["bare_rps"] > 0, result
        assert 0 < result["share"] == pytest.approx(result["rps"] / result["bare_rps"], abs=0.001)
        assert 0 < result["p50_ms"] <= result["p95_ms"]
    assert "appointments to confirm" in finished.stdout  # the table
    assert "Worker memory (RSS) after the run: app" in finished.stdout
