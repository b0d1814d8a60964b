#!/usr/bin/env bash
# The README's first command: installs what is needed, migrates an SQLite database under
# instance/, loads the demo data (again safely), and runs the web server with the mail worker
# and the job runner beside it. Ctrl-C stops all.
#
#   scripts/demo.sh                      http://127.0.0.1:5000
#   PORT=5001 scripts/demo.sh            another port (links in mails follow it)
#   HOST=0.0.0.0 PORT=8080 BASE_URL=http://demo.example:8080 scripts/demo.sh
#   scripts/demo.sh --check              print the address and settings it would use, and stop
set -euo pipefail
cd "$(dirname "$0")/.."

HOST=${HOST:-127.0.0.1}
PORT=${PORT:-5000}
if ! [[ $PORT =~ ^[0-9]+$ ]] || [ "$PORT" -lt 1 ] || [ "$PORT" -gt 65535 ]; then
  echo "PORT must be a port number from 1 to 65535, not '$PORT'." >&2
  exit 2
fi
# Links in mails must reach this server: BASE_URL follows the port unless it is set. A server
# listening on every address is still reached from this machine through 127.0.0.1.
case "$HOST" in
  0.0.0.0 | "::" | "[::]") link_host=127.0.0.1 ;;
  *:*) link_host="[$HOST]" ;;
  *) link_host=$HOST ;;
esac
url="http://$link_host:$PORT"
if [ -z "${BASE_URL:-}" ] && ! grep -qs '^[[:space:]]*BASE_URL=' .env; then
  export BASE_URL=$url
fi

if [ "${1:-}" = "--check" ]; then
  echo "HOST=$HOST"
  echo "PORT=$PORT"
  echo "BASE_URL=${BASE_URL:-(as set in .env)}"
  echo "URL=$url"
  exit 0
fi

step() { echo "== $*"; }

step "Installing the Python packages into .venv (the first run takes a minute or two; later runs a few seconds)"
scripts/bootstrap.sh

export VOLUNTEERS_ENV=${VOLUNTEERS_ENV:-development}
export FLASK_APP=wsgi
flask=.venv/bin/flask

step "Migrating the database under instance/"
# Alembic's progress (one message per migration, some over several lines) only if it fails.
if ! migrated=$("$flask" db upgrade 2>&1); then
  printf '%s\n' "$migrated" >&2
  exit 1
fi
step "Loading the demo data (nothing is added twice)"
"$flask" seed-demo

pids=()
cleanup() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup INT TERM EXIT

step "Starting the mail worker, the job runner and the web server"
"$flask" send-mail --loop &
pids+=($!)
"$flask" tick --loop --interval 60 &
pids+=($!)

echo
echo "Mail worker and job runner are running. Without MAIL_SERVER, mails are written to instance/mail/*.eml."
echo "Open $url and log in with one of the demo logins above. Ctrl-C stops everything."
echo
"$flask" run --host "$HOST" --port "$PORT" --no-debugger --no-reload &
pids+=($!)
wait -n "${pids[@]}"
