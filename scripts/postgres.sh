#!/usr/bin/env bash
# -----------------------------------------------------------------------------
# scripts/postgres.sh — a private PostgreSQL cluster for Reclaim's tests, demo and bench.
#
#   scripts/postgres.sh <start|stop|status|url> <instance>
#
# Runs Debian's PostgreSQL (installed when missing) from a data folder under
# $REPO/.data/<instance>/pg (data/, postgres.log, pg.env), listening on 127.0.0.1 only (and a Unix socket inside the
# data folder). No system service, no Docker: `start` runs the server in its own session,
# `stop` signals the pid recorded in postmaster.pid (checked to be ours), never by name.
# The server refuses to run as root, so when we are root it runs as the `postgres` system
# user, which then owns the data folder.
#
# The cluster has one role, `reclaim`, with a password generated once into
# .data/<instance>/secrets/pg-password, and one database `reclaim`. `url` prints
#   postgres://reclaim:<password>@127.0.0.1:<port>/reclaim
# for RECLAIM_DATABASE_URL. Tests create scratch databases next to it.
#
# Port: RECLAIM_PG_PORT, else test 17290, demo 17190, bench 17390, other instances a hash
# of the name into 18000-18499. The port of the last start is recorded and reused.
# status exits 0 when running, 3 when stopped.
# -----------------------------------------------------------------------------
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
PROG="scripts/postgres.sh"

usage() {
  echo "usage: $PROG <start|stop|status|url> <instance>" >&2
  exit 2
}

[[ $# -ge 2 ]] || usage
CMD="$1"
INSTANCE="$2"
check_instance_name "$INSTANCE"

DATA_ROOT="$REPO/.data"
DATA="$DATA_ROOT/$INSTANCE"
PGROOT="$DATA/pg"
PGDATA="$PGROOT/data"
SECRETS="$DATA/secrets"
PASSWORD_FILE="$SECRETS/pg-password"
STATE="$PGROOT/pg.env"
LOG="$PGROOT/postgres.log"
TIMEOUT="${RECLAIM_PG_TIMEOUT:-30}"

case "$INSTANCE" in
  test) DEF_PORT=17290 ;;
  demo) DEF_PORT=17190 ;;
  bench) DEF_PORT=17390 ;;
  *) DEF_PORT=$((18000 + $(printf '%s' "$INSTANCE" | cksum | cut -d' ' -f1) % 500)) ;;
esac
REC_PG_PORT=""
# shellcheck disable=SC1090
[[ -f "$STATE" ]] && source "$STATE"
PORT="${RECLAIM_PG_PORT:-${REC_PG_PORT:-$DEF_PORT}}"
[[ "$PORT" =~ ^[0-9]+$ ]] || die "RECLAIM_PG_PORT must be a number (got '$PORT')"

# ---------------------------------------------------------------- helpers
pg_bin() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    [[ -x "$dir/pg_ctl" ]] && { echo "$dir"; return 0; }
  done
  return 1
}

ensure_packages() {
  pg_bin >/dev/null && return 0
  install_debian_packages postgresql
  # The package starts a system cluster of its own; ours does not need it (and we leave it alone).
  pg_bin >/dev/null || die "postgresql was installed but no pg_ctl was found under /usr/lib/postgresql"
}

# Runs a PostgreSQL binary as the user that owns the cluster (postgres when we are root).
as_owner() {
  if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# The postmaster's pid if it is alive and serves our data folder.
server_pid() {
  local pid
  [[ -f "$PGDATA/postmaster.pid" ]] || return 1
  pid=$(head -n1 "$PGDATA/postmaster.pid")
  [[ "$pid" =~ ^[0-9]+$ && -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$PGDATA" || return 1
  echo "$pid"
}

password() { cat "$PASSWORD_FILE"; }

url() { echo "postgres://reclaim:$(password)@127.0.0.1:$PORT/reclaim"; }

ready() { as_owner "$(pg_bin)/pg_isready" -q -h 127.0.0.1 -p "$PORT" -U reclaim -d postgres; }

ensure_password() {
  mkdir -p "$SECRETS"
  chmod 700 "$SECRETS"
  if [[ ! -s "$PASSWORD_FILE" ]]; then
    (umask 077; head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' >"$PASSWORD_FILE.tmp"; mv "$PASSWORD_FILE.tmp" "$PASSWORD_FILE")
  fi
}

init_cluster() {
  local bin pwfile
  bin=$(pg_bin)
  rm -rf "$PGDATA" # a half-initialised folder from an earlier failed start
  mkdir -p "$PGDATA"
  [[ $(id -u) == 0 ]] && chown postgres: "$PGDATA"
  chmod 700 "$PGDATA"
  # initdb reads the password from a file the cluster's owner can read; removed right after.
  pwfile="$PGROOT/pwfile"
  (umask 077; password >"$pwfile")
  [[ $(id -u) == 0 ]] && chown postgres: "$pwfile"
  # C locale: text sorts by code point, as in SQLite, so lists come out in the same order.
  as_owner "$bin/initdb" -D "$PGDATA" -U reclaim --pwfile="$pwfile" -A scram-sha-256 \
    --locale=C -E UTF8 >>"$LOG" 2>&1 || { rm -f "$pwfile"; tail -n 20 "$LOG" >&2; die "initdb failed (log: $LOG)"; }
  rm -f "$pwfile"
}

# ---------------------------------------------------------------- commands
cmd_start() {
  local t0 bin
  t0=$(date +%s%N)
  ensure_packages
  bin=$(pg_bin)
  mkdir -p "$PGROOT"
  ensure_password
  if server_pid >/dev/null && ready; then
    url >/dev/null
    echo "postgres $INSTANCE ready at 127.0.0.1:$PORT (already running)"
    return 0
  fi
  [[ -f "$PGDATA/PG_VERSION" ]] || init_cluster
  if ! server_pid >/dev/null && port_taken "$PORT"; then
    die "port $PORT is already in use by another process; choose another with RECLAIM_PG_PORT"
  fi
  echo "REC_PG_PORT=$PORT" >"$STATE"
  local run=() durability=()
  [[ $(id -u) == 0 ]] && run=(runuser -u postgres --)
  # Test and bench data is thrown away: skip flushing to disk. The demo keeps its data.
  [[ "$INSTANCE" == demo ]] || durability=(-c fsync=off -c synchronous_commit=off -c full_page_writes=off)
  # Its own session (setsid): Ctrl-C in a terminal that ran `npm test` does not reach it.
  setsid "${run[@]}" "$bin/postgres" -D "$PGDATA" -p "$PORT" -k "$PGDATA" -c listen_addresses=127.0.0.1 \
    "${durability[@]}" </dev/null >>"$LOG" 2>&1 9>&- &
  local deadline=$(($(date +%s) + TIMEOUT))
  until ready; do
    if (($(date +%s) >= deadline)); then
      tail -n 20 "$LOG" >&2
      die "postgres $INSTANCE did not accept connections on 127.0.0.1:$PORT within ${TIMEOUT}s (log: $LOG)"
    fi
    sleep 0.1
  done
  # The application's database (the cluster starts with only "postgres").
  if ! PGPASSWORD=$(password) "$bin/psql" -h 127.0.0.1 -p "$PORT" -U reclaim -d postgres -tAq \
    -c "SELECT 1 FROM pg_database WHERE datname = 'reclaim'" | grep -q 1; then
    PGPASSWORD=$(password) "$bin/psql" -h 127.0.0.1 -p "$PORT" -U reclaim -d postgres -q -c "CREATE DATABASE reclaim" >/dev/null
  fi
  local d=$(($(date +%s%N) - t0))
  printf 'postgres %s ready at 127.0.0.1:%s in %d.%ds\n' "$INSTANCE" "$PORT" $((d / 1000000000)) $(((d / 100000000) % 10))
}

cmd_stop() {
  local pid i
  if ! pid=$(server_pid); then
    echo "postgres $INSTANCE is not running"
    return 0
  fi
  # SIGINT = "fast" shutdown: open connections are closed, data is written out.
  kill -INT "$pid" 2>/dev/null || true
  for ((i = 0; i < TIMEOUT * 10; i++)); do
    server_pid >/dev/null || { echo "postgres $INSTANCE stopped"; return 0; }
    sleep 0.1
  done
  echo "$PROG: postgres (pid $pid) did not stop after ${TIMEOUT}s; sending SIGQUIT" >&2
  kill -QUIT "$pid" 2>/dev/null || true
}

cmd_status() {
  if server_pid >/dev/null && ready; then
    echo "running 127.0.0.1:$PORT"
    return 0
  fi
  echo "stopped"
  return 3
}

cmd_url() {
  [[ -s "$PASSWORD_FILE" ]] || die "postgres $INSTANCE has no cluster yet; run: $PROG start $INSTANCE"
  url
}


case "$CMD" in
  start) with_lock "$INSTANCE.pg" 120 cmd_start ;;
  stop) with_lock "$INSTANCE.pg" 120 cmd_stop ;;
  status) cmd_status ;;
  url) cmd_url ;;
  *) usage ;;
esac
