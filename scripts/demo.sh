#!/usr/bin/env bash
# The README's first command: installs what is needed, migrates an SQLite database under
# instance/, loads the demo data (again safely), and runs the web server on
# http://127.0.0.1:5000 with the mail worker and the job runner beside it. Ctrl-C stops all.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/bootstrap.sh

export VOLUNTEERS_ENV=${VOLUNTEERS_ENV:-development}
export FLASK_APP=wsgi
flask=.venv/bin/flask

"$flask" db upgrade
"$flask" seed-demo

pids=()
cleanup() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup INT TERM EXIT

"$flask" send-mail --loop --interval 3 &
pids+=($!)
"$flask" tick --loop --interval 60 &
pids+=($!)

echo
echo "Mail worker and job runner are running. Without MAIL_SERVER, mails are written to instance/mail/*.eml."
echo "Open http://127.0.0.1:5000 and log in with one of the demo logins above. Ctrl-C stops everything."
echo
"$flask" run --host 127.0.0.1 --port 5000 --no-debugger --no-reload &
pids+=($!)
wait -n "${pids[@]}"
