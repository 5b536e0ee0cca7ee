# Throwaway PostgreSQL clusters for lottrace's tests, demo and benchmark.
# Source this file; it defines pgc_* functions.  Every cluster lives in its
# own directory under $PGC_BASE, listens only on a Unix socket in that
# directory (no TCP, so no port clashes), and has the superuser "postgres".
# As root the server runs as the OS user "postgres" (initdb refuses root).
#
#   pgc_init NAME [postgresql.conf lines...]   create a cluster
#   pgc_start NAME / pgc_stop NAME [mode]      start / stop it
#   pgc_env NAME                               export PGHOST/PGPORT/PGUSER for it
#   pgc_psql NAME [psql args...]               psql -X -v ON_ERROR_STOP=1 against it
#   pgc_connstr NAME [dbname]                  a libpq connection string for it
#   pgc_pid NAME                               the postmaster's pid
#   pgc_cleanup                                stop everything, remove $PGC_BASE

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PGC_PORT=5432

if [ -z "${PGC_BASE:-}" ]; then
  PGC_BASE=$(mktemp -d /tmp/lottrace.XXXXXX)
  chmod 755 "$PGC_BASE"
  PGC_OWNED=1
fi
export PGC_BASE

pgc__as_server() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

pgc_dir() { echo "$PGC_BASE/$1"; }

pgc_init() {
  local name=$1; shift
  local d; d=$(pgc_dir "$name")
  mkdir -p "$d"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$d"
  pgc__as_server "$PGBIN/initdb" -D "$d/data" -U postgres -A trust -E UTF8 \
      --no-locale --no-sync >"$d/initdb.log" 2>&1 || { cat "$d/initdb.log" >&2; return 1; }
  {
    echo "listen_addresses = ''"
    echo "unix_socket_directories = '$d'"
    echo "port = $PGC_PORT"
    echo "fsync = off"
    echo "synchronous_commit = off"
    echo "max_connections = 60"
    echo "max_prepared_transactions = 10"
    echo "shared_buffers = 256MB"
    echo "log_min_messages = warning"
    echo "lc_messages = 'C'"
    for line in "$@"; do echo "$line"; done
  } | pgc__as_server tee -a "$d/data/postgresql.conf" >/dev/null
}

pgc_start() {
  local d; d=$(pgc_dir "$1")
  pgc__as_server "$PGBIN/pg_ctl" -D "$d/data" -l "$d/server.log" -w -t 120 start >/dev/null \
    || { tail -30 "$d/server.log" >&2; return 1; }
}

pgc_stop() {
  local d; d=$(pgc_dir "$1")
  [ -f "$d/data/postmaster.pid" ] || return 0
  pgc__as_server "$PGBIN/pg_ctl" -D "$d/data" -w -t 120 -m "${2:-fast}" stop >/dev/null 2>&1 || true
}

pgc_pid() { head -1 "$(pgc_dir "$1")/data/postmaster.pid"; }

pgc_env() {
  export PGHOST; PGHOST=$(pgc_dir "$1")
  export PGPORT=$PGC_PORT PGUSER=postgres PGDATABASE=${PGDATABASE:-postgres}
}

pgc_connstr() { echo "host=$(pgc_dir "$1") port=$PGC_PORT user=postgres dbname=${2:-postgres}"; }

pgc_psql() {
  local name=$1; shift
  PGHOST=$(pgc_dir "$name") PGPORT=$PGC_PORT PGUSER=postgres \
    "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 "$@"
}

pgc_cleanup() {
  local d
  for d in "$PGC_BASE"/*/; do
    [ -f "$d/data/postmaster.pid" ] && pgc__as_server "$PGBIN/pg_ctl" -D "$d/data" -m immediate stop >/dev/null 2>&1
  done
  [ -n "${PGC_OWNED:-}" ] && rm -rf "$PGC_BASE"
  return 0
}
