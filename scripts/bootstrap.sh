#!/usr/bin/env bash
# Creates .venv with Python 3.11, installs the pinned dependencies and compiles the
# translations. Safe to run again: it only installs what changed.
# Usage: scripts/bootstrap.sh [--dev]   (--dev adds the test tools and axe-core)
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-}
if [ -z "$python" ]; then
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
      python=$candidate
      break
    fi
  done
fi
if [ -z "$python" ]; then
  echo "Python 3.11 is needed (set PYTHON=/path/to/python3.11)." >&2
  exit 1
fi

if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi

requirements=(-r requirements.txt)
[ "${1:-}" = "--dev" ] && requirements+=(-r requirements-dev.txt)
# (Some machines configure extra package locations that pip warns about on every run.)
.venv/bin/python -m pip install --quiet --disable-pip-version-check "${requirements[@]}" 2>&1 |
  { grep -v "^WARNING: Location .* is ignored" || true; }

scripts/translations.sh compile

if [ "${1:-}" = "--dev" ]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "npm is needed for axe-core (the accessibility checks of the browser tests)." >&2
    exit 1
  fi
  npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error >/dev/null
fi
