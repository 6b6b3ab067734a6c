#!/usr/bin/env bash
# A private PostgreSQL 15 for Herald's tests, on a free port of 127.0.0.1.
#
#   scripts/postgres.sh [start]   start (or find running) and print `export HERALD_TEST_POSTGRES='...'`
#   scripts/postgres.sh stop      stop it (fast shutdown)
#   scripts/postgres.sh restart   stop and start again on the same port (used by the database-restart test)
#   scripts/postgres.sh status    exit 0 when running
#
# Only the export line goes to stdout; progress goes to stderr. The line is also written to $HERALD_PG_DIR/env.
# fsync is off by default: this instance holds throwaway test data, and the tests (a database per test
# class, thousands of small commits) run noticeably faster without an fsync per commit. Clean stops and
# restarts still checkpoint, so nothing is lost across `restart`. HERALD_PG_FSYNC=on restores it.
set -euo pipefail

PG_BIN=${HERALD_PG_BIN:-/usr/lib/postgresql/15/bin}
BASE=${HERALD_PG_DIR:-/tmp/herald-pg}
DATA=$BASE/data
SOCK=$BASE/sock
LOG=$BASE/postgres.log
ENV_FILE=$BASE/env
PORT_FILE=$BASE/port
FSYNC=${HERALD_PG_FSYNC:-off}
# Extra server settings (`-c name=value ...`), after and so over the defaults below; the bench's durable server
# passes production-like memory and checkpoint settings this way.
SETTINGS=${HERALD_PG_SETTINGS:-}
DB_USER=herald
DB_PASSWORD=herald
DB_NAME=herald_test
OS_USER=${HERALD_PG_OS_USER:-herald-pg}

log() { echo "postgres.sh: $*" >&2; }

if [[ ! -x $PG_BIN/pg_ctl ]]; then
  log "PostgreSQL 15 binaries not found in $PG_BIN."
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    log "installing postgresql-15 with apt-get"
    apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql-15 >&2
  else
    log "install it (apt-get install postgresql-15) or set HERALD_PG_BIN"
    exit 1
  fi
fi

mkdir -p "$BASE"
# One caller at a time: parallel test runs may all call this script.
exec 9>"$BASE/lock"
flock 9

# initdb refuses root, so as root the server runs as an unprivileged user.
if [[ $(id -u) -eq 0 ]]; then
  if ! id "$OS_USER" >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin "$OS_USER" >&2
  fi
  as_pg() { runuser -u "$OS_USER" -- "$@"; }
  chown "$OS_USER" "$BASE"
else
  as_pg() { "$@"; }
fi

is_running() { [[ -f $DATA/PG_VERSION ]] && as_pg "$PG_BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Below Linux's ephemeral range (32768-60999): a client connection's local port there can make a listener's bind
# fail although nothing listens on it. Random order, so that servers started at the same moment rarely pick alike.
pick_port() {
  local p
  for p in $(shuf -i 25432-25632); do
    if ! port_in_use "$p"; then echo "$p"; return 0; fi
  done
  log "no free port in 25432-25632"; return 1
}

print_env() {
  local port
  port=$(cat "$PORT_FILE")
  local line="export HERALD_TEST_POSTGRES='Host=127.0.0.1;Port=$port;Username=$DB_USER;Password=$DB_PASSWORD;Database=$DB_NAME'"
  echo "$line" >"$ENV_FILE"
  echo "$line"
}

start_server() {
  local port tries=0
  if [[ -f $PORT_FILE ]] && ! port_in_use "$(cat "$PORT_FILE")"; then
    port=$(cat "$PORT_FILE")
  else
    port=$(pick_port)
    echo "$port" >"$PORT_FILE"
  fi
  mkdir -p "$SOCK"
  [[ $(id -u) -eq 0 ]] && chown "$OS_USER" "$SOCK"
  touch "$LOG"
  [[ $(id -u) -eq 0 ]] && chown "$OS_USER" "$LOG"
  while true; do
    log "starting PostgreSQL on 127.0.0.1:$port (fsync=$FSYNC, log $LOG)"
    # 9>&-: the server must not inherit (and hold forever) the script's lock.
    if as_pg "$PG_BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 start -o \
      "-p $port -k $SOCK -c listen_addresses=127.0.0.1 -c fsync=$FSYNC -c synchronous_commit=$([[ $FSYNC == off ]] && echo off || echo on) -c full_page_writes=$FSYNC -c max_connections=300 -c shared_buffers=64MB $SETTINGS" >&2 9>&-; then
      return 0
    fi
    # Another process may have taken the free port between the check and the start: try another one.
    tries=$((tries + 1))
    if (( tries >= 5 )) || ! { port_in_use "$port" || tail -n 20 "$LOG" | grep -q "could not bind"; }; then
      tail -n 20 "$LOG" >&2 || true
      return 1
    fi
    port=$(pick_port)
    echo "$port" >"$PORT_FILE"
  done
}

psql_admin() { as_pg "$PG_BIN/psql" -h "$SOCK" -p "$(cat "$PORT_FILE")" -U postgres -d postgres -v ON_ERROR_STOP=1 -qAt "$@"; }

init_cluster() {
  log "creating a cluster in $DATA"
  rm -rf "$DATA"
  mkdir -p "$DATA"
  [[ $(id -u) -eq 0 ]] && chown "$OS_USER" "$DATA"
  # Local socket: trust (only the OS user can reach $SOCK). TCP: password.
  as_pg "$PG_BIN/initdb" -D "$DATA" -U postgres --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >&2
}

ensure_role_and_db() {
  psql_admin -c "DO \$\$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$DB_USER') THEN CREATE ROLE $DB_USER LOGIN CREATEDB PASSWORD '$DB_PASSWORD'; END IF; END \$\$;"
  # The bench starts every PostgreSQL drain with a CHECKPOINT (PostgreSQL 15 lets a member of pg_checkpoint run it).
  psql_admin -c "DO \$\$ BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pg_checkpoint') THEN EXECUTE 'GRANT pg_checkpoint TO $DB_USER'; END IF; END \$\$;"
  if [[ -z $(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'") ]]; then
    psql_admin -c "CREATE DATABASE $DB_NAME OWNER $DB_USER"
  fi
}

stop_server() {
  if is_running; then
    log "stopping PostgreSQL"
    as_pg "$PG_BIN/pg_ctl" -D "$DATA" -m fast -w -t 60 stop >&2
  else
    log "not running"
  fi
}

cmd=${1:-start}
case $cmd in
  start)
    if ! is_running; then
      [[ -f $DATA/PG_VERSION ]] || init_cluster
      start_server
      ensure_role_and_db
    fi
    print_env
    ;;
  stop)
    stop_server
    ;;
  restart)
    stop_server
    [[ -f $DATA/PG_VERSION ]] || init_cluster
    start_server
    ensure_role_and_db
    print_env
    ;;
  status)
    is_running
    ;;
  *)
    echo "usage: $0 [start|stop|restart|status]" >&2
    exit 2
    ;;
esac
