#!/usr/bin/env bash
# The README's second command: installs what is needed and runs the whole test suite,
# on SQLite and then on a throwaway PostgreSQL cluster, browser tests included.
# Extra arguments go to pytest, e.g. scripts/test.sh -x -k login (two processes unless -n is given)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/system-deps.sh fonts chromium postgresql wrk
scripts/bootstrap.sh --dev

echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .

echo "== mypy (volunteers/services, models, notifications; settings in pyproject.toml)"
.venv/bin/mypy

# shellcheck source=lib/postgres.sh
source scripts/lib/postgres.sh
trap stop_throwaway_postgres EXIT
if [ -z "${TEST_DATABASE_URL:-}" ]; then
  start_throwaway_postgres
fi
postgres_url=$TEST_DATABASE_URL
unset TEST_DATABASE_URL

# Two processes (pytest-xdist) unless the caller chose: the suite keeps well under CI's limit.
parallel=(-n 2)
for argument in "$@"; do
  case "$argument" in -n | -n* | --numprocesses*) parallel=() ;; esac
done

echo "== tests on SQLite"
.venv/bin/pytest -p no:cacheprovider "${parallel[@]}" "$@"

echo "== tests on PostgreSQL (the pure tests in tests/unit ran above)"
TEST_DATABASE_URL=$postgres_url .venv/bin/pytest -p no:cacheprovider --ignore=tests/unit "${parallel[@]}" "$@"
