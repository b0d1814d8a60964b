# Sourced by scripts/test.sh: a throwaway PostgreSQL cluster on a free loopback port.
# initdb refuses to run as root, so as root the cluster runs as the `postgres` user.

_pg_bindir() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    [ -x "$dir/initdb" ] && { echo "$dir"; return 0; }
  done
  command -v pg_config >/dev/null 2>&1 && { pg_config --bindir; return 0; }
  return 1
}

_pg_run() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

start_throwaway_postgres() {
  local bindir port
  bindir=$(_pg_bindir) || { echo "PostgreSQL binaries not found" >&2; return 1; }
  PG_TMP=$(mktemp -d /tmp/volunteers-pg.XXXXXX)
  [ "$(id -u)" -eq 0 ] && chown postgres "$PG_TMP"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  _pg_run "$bindir/initdb" -D "$PG_TMP/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
  _pg_run "$bindir/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/server.log" -w -o \
    "-p $port -k $PG_TMP -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null
  PG_BINDIR=$bindir
  export TEST_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
  echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
}

stop_throwaway_postgres() {
  if [ -n "${PG_TMP:-}" ] && [ -d "$PG_TMP/data" ]; then
    _pg_run "$PG_BINDIR/pg_ctl" -D "$PG_TMP/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$PG_TMP"
  fi
}
