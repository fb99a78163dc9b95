#!/usr/bin/env bash
# -----------------------------------------------------------------------------
# scripts/gateway.sh — a real S3 server for Reclaim's tests, demo and benchmarks.
#
#   scripts/gateway.sh <start|stop|status|restart-rgw|env> <instance> [offset]
#
# Runs a one-node Ceph cluster (ceph-mon + one ceph-osd + radosgw, Debian's Ceph
# 16.2 "Pacific") under $REPO/.data/<instance>/, bound to 127.0.0.1 only. Why Ceph
# RGW: no MinIO/moto/LocalStack can be installed here, and the npm fake S3 servers
# do not implement ListMultipartUploads/ListParts; RGW is a production S3 server
# (docs/s3-compatibility.md). Nothing here uses systemd; every daemon runs in the
# foreground of its own session and its pid is recorded in .data/<instance>/pids/.
# `stop` signals exactly those pids (never by process name).
#
# Instances and ports (overridable with RECLAIM_MON_PORT / RECLAIM_GW_PORT):
#   test  -> mon 17201, rgw 17280   (memstore, recreated from scratch on each start)
#   demo  -> mon 17101, rgw 17180   (bluestore on a sparse file: survives stop/start)
#   bench -> mon 17301, rgw 17380   (memstore)
#   other -> derived from a hash of the name into 17400-17999
# Store: RECLAIM_GW_STORE=memstore|bluestore (default memstore, bluestore for demo).
#
# Why the ceph.conf settings below (each measured on this gateway):
#   - pool size 1 + mon_allow_pool_size_one: required, else radosgw hangs forever
#     creating its first pool on a one-OSD cluster.
#   - paxos_propose_interval 0.1 / paxos_min_wait 0.01: start-up 13 s -> 3 s.
#   - beast tcp_nodelay=1: without it every response with a body costs ~45 ms.
#   - ms_bind_msgr1=false, ms_bind_ipv6=false, public/cluster addr 127.0.0.1,
#     beast endpoint 127.0.0.1: every listener is loopback-only.
#   - memstore keeps data across a clean stop only with osd_fast_shutdown=false
#     (never across SIGKILL); bluestore with a sparse block file survives both.
#   - rgw_gc_obj_min_wait=2, rgw_gc_processor_period=5, rgw_gc_processor_max_time=5:
#     aborted parts are freed 3-7 s after abort instead of ~2 h (verification tests).
#   - rgw_lc_debug_interval=10: a lifecycle "day" is 10 s (AbortIncompleteMultipart
#     rules become testable).
#   - rgw_lc_max_worker=1: with several LC workers they contend for shard locks and
#     sleep 5 s uninterruptibly, so radosgw took 4-10 s to stop on SIGTERM; with one
#     worker it stops in ~0.3 s (measured here). A radosgw on a fake clock runs no
#     lifecycle threads at all (a backdated lifecycle pass is meaningless).
#   - mon_data_avail_warn/crit 2/1: the mon would otherwise stop on a nearly full disk.
#   - pg_num 8, autoscale off, quiet debug levels: small and fast.
# restart-rgw <instance> <offset> restarts only radosgw under
#   FAKETIME_DONT_FAKE_MONOTONIC=1 faketime -f "<offset>" (e.g. -30d) so uploads get
#   a backdated `Initiated`; FAKETIME_DONT_FAKE_MONOTONIC=1 is required, else radosgw
#   loses its OSD connection.
# status exits 0 when running, 3 when stopped, 1 when only partly running.
# -----------------------------------------------------------------------------
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
PROG="scripts/gateway.sh"

usage() {
  echo "usage: $PROG <start|stop|status|restart-rgw|env> <instance> [faketime-offset]" >&2
  exit 2
}

[[ $# -ge 2 ]] || usage
CMD="$1"
INSTANCE="$2"
OFFSET="${3:-}"
check_instance_name "$INSTANCE"

DATA_ROOT="$REPO/.data"
DATA="$DATA_ROOT/$INSTANCE"
CONF="$DATA/ceph.conf"
PIDS="$DATA/pids"
LOGS="$DATA/log"
SECRETS="$DATA/secrets"
STATE="$DATA/instance.env"     # fsid, ports and store of the cluster on disk
KEYS="$SECRETS/keys.env"        # S3 keys, generated once per data folder
GATEWAY_JSON="$DATA/gateway.json"
PROFILES_JSON="$DATA/profiles.json"
REGION="us-east-1"
RGW_NAME="client.rgw.gw"
TIMEOUT="${RECLAIM_GW_TIMEOUT:-60}"

# ---------------------------------------------------------------- ports & store
default_ports() {
  case "$INSTANCE" in
    test) DEF_MON=17201 DEF_RGW=17280 ;;
    demo) DEF_MON=17101 DEF_RGW=17180 ;;
    bench) DEF_MON=17301 DEF_RGW=17380 ;;
    *)
      local h
      h=$(printf '%s' "$INSTANCE" | cksum | cut -d' ' -f1)
      h=$((h % 300))
      DEF_MON=$((17400 + 2 * h))
      DEF_RGW=$((17401 + 2 * h))
      ;;
  esac
}
default_ports

# Values recorded by the last start (if any) win over the defaults, so `status`,
# `restart-rgw` and `stop` find an instance started with overridden ports.
REC_FSID="" REC_MON_PORT="" REC_RGW_PORT="" REC_STORE=""
if [[ -f "$STATE" ]]; then
  # shellcheck disable=SC1090
  source "$STATE"
fi
MON_PORT="${RECLAIM_MON_PORT:-${REC_MON_PORT:-$DEF_MON}}"
RGW_PORT="${RECLAIM_GW_PORT:-${REC_RGW_PORT:-$DEF_RGW}}"
if [[ "$INSTANCE" == demo ]]; then DEF_STORE=bluestore; else DEF_STORE=memstore; fi
STORE="${RECLAIM_GW_STORE:-${REC_STORE:-$DEF_STORE}}"
[[ "$STORE" == memstore || "$STORE" == bluestore ]] || die "RECLAIM_GW_STORE must be memstore or bluestore (got '$STORE')"
[[ "$MON_PORT" =~ ^[0-9]+$ && "$RGW_PORT" =~ ^[0-9]+$ ]] || die "ports must be numbers"
[[ "$MON_PORT" != "$RGW_PORT" ]] || die "mon and rgw ports must differ ($MON_PORT)"
ENDPOINT="http://127.0.0.1:$RGW_PORT"

# ---------------------------------------------------------------- helpers
now_ns() { date +%s%N; }
elapsed() { # since $1 (ns), one decimal
  local d=$(( $(now_ns) - $1 ))
  printf '%d.%d' $((d / 1000000000)) $(((d / 100000000) % 10))
}

ensure_packages() {
  ensure_debian_packages "radosgw ceph-mon ceph-osd faketime ceph radosgw-admin ceph-authtool monmaptool" \
    radosgw ceph-mon ceph-osd faketime
}

# A pid is "ours" only if it is alive and its command line names our ceph.conf.
is_ours() {
  local pid="$1"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$CONF"
}

pid_of() { # daemon name -> pid if ours and alive
  local f="$PIDS/$1.pid" pid
  [[ -f "$f" ]] || return 1
  pid=$(<"$f")
  is_ours "$pid" || return 1
  echo "$pid"
}

http_code() {
  if command -v curl >/dev/null 2>&1; then
    curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$ENDPOINT/" 2>/dev/null || true
  else
    (
      exec 3<>"/dev/tcp/127.0.0.1/$RGW_PORT" || exit 0
      printf 'GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
      timeout 2 head -n1 <&3 | awk '{print $2}'
    ) 2>/dev/null || true
  fi
}

rgw_ready() { [[ "$(http_code)" == 200 ]]; }

port_owner() { ss -Hltnp "( sport = :$1 )" 2>/dev/null | sed -n 's/.*users:((\(.*\)))/\1/p' | head -n1; }

running_daemons() { # prints the daemons (of ours) that are alive
  local d out=()
  for d in mon osd radosgw; do
    if pid_of "$d" >/dev/null; then out+=("$d"); fi
  done
  echo "${out[*]:-}"
}

is_healthy() { [[ "$(running_daemons)" == "mon osd radosgw" ]] && rgw_ready; }

log_tail() {
  local f
  for f in "$LOGS"/*.log "$LOGS"/*.out; do
    [[ -s "$f" ]] || continue
    echo "---- tail of $f" >&2
    tail -n 15 "$f" >&2
  done
}

rand_str() { # length alphabet
  local out=""
  while [[ ${#out} -lt $1 ]]; do
    out+=$(head -c 256 /dev/urandom | LC_ALL=C tr -dc "$2")
  done
  printf '%s' "${out:0:$1}"
}

json_str() { # minimal JSON string escaping (backslash, quote)
  local s="$1"
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  printf '"%s"' "$s"
}

# Start a daemon in its own session, stdin closed, output to the log folder, the
# instance lock fd closed; records its pid. Extra leading words (a faketime prefix)
# are allowed; in that case the real daemon pid is the wrapper's child.
launch() { # name cmd...
  local name="$1"
  shift
  setsid "$@" </dev/null >>"$LOGS/$name.out" 2>&1 9>&- &
  local pid=$!
  echo "$pid" >"$PIDS/$name.pid"
}

stop_one() { # name grace-seconds
  local name="$1" grace="$2" pid wrapper="" i
  if [[ "$name" == radosgw && -f "$PIDS/radosgw-faketime.pid" ]]; then
    wrapper=$(<"$PIDS/radosgw-faketime.pid")
    is_ours "$wrapper" || wrapper=""
  fi
  pid=$(pid_of "$name" || true)
  if [[ -z "$pid" && -z "$wrapper" ]]; then
    rm -f "$PIDS/$name.pid"
    [[ "$name" == radosgw ]] && rm -f "$PIDS/radosgw-faketime.pid"
    return 0
  fi
  [[ -n "$pid" ]] && kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < grace * 10; i++)); do
    if { [[ -z "$pid" ]] || ! is_ours "$pid"; } && { [[ -z "$wrapper" ]] || ! is_ours "$wrapper"; }; then
      break
    fi
    # the faketime wrapper exits when its child does; nudge it if the child is gone
    if [[ -n "$wrapper" ]] && { [[ -z "$pid" ]] || ! is_ours "$pid"; }; then
      kill -TERM "$wrapper" 2>/dev/null || true
    fi
    sleep 0.1
  done
  local killed=0
  for p in $pid $wrapper; do
    if is_ours "$p"; then
      echo "$PROG: $name (pid $p) did not exit after ${grace}s; sending SIGKILL" >&2
      kill -KILL "$p" 2>/dev/null || true
      killed=1
    fi
  done
  if [[ $killed == 1 ]]; then
    for ((i = 0; i < 50; i++)); do
      is_ours "$pid" || { [[ -n "$wrapper" ]] && is_ours "$wrapper"; } || break
      sleep 0.1
    done
  fi
  rm -f "$PIDS/$name.pid"
  [[ "$name" == radosgw ]] && rm -f "$PIDS/radosgw-faketime.pid"
  return $killed
}

# ---------------------------------------------------------------- config
write_conf() {
  local fast_shutdown=false
  # test data is recreated on every start: nothing to keep, so stop can be quick
  [[ "$INSTANCE" == test && "$STORE" == memstore ]] && fast_shutdown=true
  cat >"$CONF.tmp" <<EOF
# Generated by scripts/gateway.sh for instance '$INSTANCE' — rewritten on every start.
[global]
fsid = $REC_FSID
mon_host = [v2:127.0.0.1:$MON_PORT]
public_addr = 127.0.0.1
cluster_addr = 127.0.0.1
ms_bind_msgr1 = false
ms_bind_msgr2 = true
ms_bind_ipv6 = false
auth_cluster_required = cephx
auth_service_required = cephx
auth_client_required = cephx
run_dir = $DATA/run
crash_dir = $DATA/crash
log_file = $LOGS/\$cluster-\$name.log
mon_cluster_log_file = $LOGS/\$cluster.log
log_to_stderr = false
err_to_stderr = true
osd_pool_default_size = 1
osd_pool_default_min_size = 1
mon_allow_pool_size_one = true
mon_warn_on_pool_no_redundancy = false
osd_pool_default_pg_num = 8
osd_pool_default_pgp_num = 8
osd_pool_default_pg_autoscale_mode = off
osd_crush_chooseleaf_type = 0
mon_data_avail_warn = 2
mon_data_avail_crit = 1
debug_rgw = 0/5
debug_ms = 0/0
debug_mon = 0/5
debug_paxos = 0/5
debug_auth = 0/5
debug_monc = 0/5
debug_osd = 0/5
debug_objclass = 0/5
debug_bluestore = 0/5
debug_bluefs = 0/5
debug_bdev = 0/5
debug_rocksdb = 0/5
debug_filestore = 0/5

[mon]
mon_data = $DATA/mon/\$cluster-\$id
paxos_propose_interval = 0.1
paxos_min_wait = 0.01
mon_allow_pool_delete = true

[osd]
osd_data = $DATA/osd/\$cluster-\$id
keyring = \$osd_data/keyring
osd_objectstore = $STORE
osd_fast_shutdown = $fast_shutdown
memstore_device_bytes = ${RECLAIM_GW_MEMSTORE_BYTES:-4294967296}
bluestore_block_create = true
bluestore_block_size = ${RECLAIM_GW_BLUESTORE_BYTES:-21474836480}
osd_memory_target = 1073741824

[client.admin]
keyring = $DATA/keyring/client.admin.keyring

[$RGW_NAME]
keyring = $DATA/keyring/rgw.keyring
rgw_frontends = beast endpoint=127.0.0.1:$RGW_PORT tcp_nodelay=1
rgw_data = $DATA/rgw
rgw_gc_obj_min_wait = 2
rgw_gc_processor_period = 5
rgw_gc_processor_max_time = 5
rgw_lc_debug_interval = 10
rgw_lc_max_worker = 1
EOF
  mv "$CONF.tmp" "$CONF"
}

write_state() {
  cat >"$STATE" <<EOF
REC_FSID=$REC_FSID
REC_MON_PORT=$MON_PORT
REC_RGW_PORT=$RGW_PORT
REC_STORE=$STORE
EOF
}

ensure_keys() {
  mkdir -p "$SECRETS"
  chmod 700 "$SECRETS"
  if [[ ! -s "$KEYS" ]]; then
    local A='A-Z0-9' S='A-Za-z0-9'
    (
      umask 077
      cat >"$KEYS.tmp" <<EOF
ADMIN_ACCESS=$(rand_str 20 "$A")
ADMIN_SECRET=$(rand_str 40 "$S")
RESTRICTED_ACCESS=$(rand_str 20 "$A")
RESTRICTED_SECRET=$(rand_str 40 "$S")
EOF
      mv "$KEYS.tmp" "$KEYS"
    )
  fi
  # shellcheck disable=SC1090
  source "$KEYS"
}

write_json_files() {
  local admin_file="$SECRETS/admin.json" restricted_file="$SECRETS/restricted.json"
  (
    umask 077
    printf '{"accessKeyId":%s,"secretAccessKey":%s}\n' "$(json_str "$ADMIN_ACCESS")" "$(json_str "$ADMIN_SECRET")" >"$admin_file.tmp"
    printf '{"accessKeyId":%s,"secretAccessKey":%s}\n' "$(json_str "$RESTRICTED_ACCESS")" "$(json_str "$RESTRICTED_SECRET")" >"$restricted_file.tmp"
    mv "$admin_file.tmp" "$admin_file"
    mv "$restricted_file.tmp" "$restricted_file"
    cat >"$GATEWAY_JSON.tmp" <<EOF
{"endpoint":$(json_str "$ENDPOINT"),"region":"$REGION","users":{"admin":{"uid":"reclaim-admin","accessKeyId":$(json_str "$ADMIN_ACCESS"),"secretAccessKey":$(json_str "$ADMIN_SECRET")},"restricted":{"uid":"reclaim-restricted","accessKeyId":$(json_str "$RESTRICTED_ACCESS"),"secretAccessKey":$(json_str "$RESTRICTED_SECRET")}}}
EOF
    mv "$GATEWAY_JSON.tmp" "$GATEWAY_JSON"
  )
  chmod 600 "$admin_file" "$restricted_file" "$GATEWAY_JSON"
  # "local" is priced like AWS S3 Standard, so the demo shows what its uploads would cost;
  # "local-restricted" is left unpriced, as a self-hosted endpoint is by default.
  cat >"$PROFILES_JSON.tmp" <<EOF
{"profiles":[{"id":"local","label":$(json_str "Local Ceph gateway ($INSTANCE)"),"endpoint":$(json_str "$ENDPOINT"),"region":"$REGION","forcePathStyle":true,"credentials":{"file":$(json_str "$admin_file")},"storagePrice":{"currency":"USD","perGiBMonth":0.023}},{"id":"local-restricted","label":"Local gateway — restricted key","endpoint":$(json_str "$ENDPOINT"),"region":"$REGION","forcePathStyle":true,"credentials":{"file":$(json_str "$restricted_file")},"buckets":["reclaim-logs","reclaim-media"]}]}
EOF
  mv "$PROFILES_JSON.tmp" "$PROFILES_JSON"
}

# ---------------------------------------------------------------- cluster
cluster_exists() { [[ -f "$STATE" && -d "$DATA/mon/ceph-a" && -f "$DATA/osd/ceph-0/keyring" ]]; }

# Wipes everything of the data folder except secrets/ (keys stay stable) and pg/ (the
# instance's PostgreSQL, scripts/postgres.sh).
wipe_cluster() {
  local entry
  shopt -s dotglob nullglob
  for entry in "$DATA"/*; do
    [[ "$(basename "$entry")" == secrets || "$(basename "$entry")" == pg ]] && continue
    rm -rf "$entry"
  done
  shopt -u dotglob nullglob
  REC_FSID=""
}

mkfs_cluster() {
  REC_FSID=$(cat /proc/sys/kernel/random/uuid)
  local osd_uuid
  osd_uuid=$(cat /proc/sys/kernel/random/uuid)
  mkdir -p "$DATA/keyring" "$DATA/mon" "$DATA/osd/ceph-0" "$DATA/rgw" "$DATA/run" "$DATA/crash" "$LOGS" "$PIDS"
  chmod 700 "$DATA/keyring"
  write_conf
  write_state
  local kr="$DATA/keyring"
  # Every key (admin, osd.0, rgw) is imported into the mon's auth database by
  # `ceph-mon --mkfs`, which saves three round trips through the python CLI.
  ceph-authtool --create-keyring "$kr/mon.keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
  ceph-authtool --create-keyring "$kr/client.admin.keyring" --gen-key -n client.admin \
    --cap mon 'allow *' --cap osd 'allow *' --cap mgr 'allow *' --cap mds 'allow *' >/dev/null
  ceph-authtool --create-keyring "$DATA/osd/ceph-0/keyring" --gen-key -n osd.0 \
    --cap osd 'allow *' --cap mon 'allow profile osd' --cap mgr 'allow profile osd' >/dev/null
  ceph-authtool --create-keyring "$kr/rgw.keyring" --gen-key -n "$RGW_NAME" \
    --cap mon 'allow rw' --cap osd 'allow rwx' >/dev/null
  ceph-authtool "$kr/mon.keyring" --import-keyring "$kr/client.admin.keyring" >/dev/null
  ceph-authtool "$kr/mon.keyring" --import-keyring "$DATA/osd/ceph-0/keyring" >/dev/null
  ceph-authtool "$kr/mon.keyring" --import-keyring "$kr/rgw.keyring" >/dev/null
  monmaptool --create --fsid "$REC_FSID" --addv a "[v2:127.0.0.1:$MON_PORT]" "$kr/monmap" >/dev/null
  ceph-mon -c "$CONF" --mkfs -i a --monmap "$kr/monmap" --keyring "$kr/mon.keyring" \
    >>"$LOGS/mkfs.out" 2>&1 || { log_tail; die "ceph-mon --mkfs failed"; }
  launch mon ceph-mon -c "$CONF" -f -i a
  # the OSD's mkfs needs no monitor: run it while the mon starts
  ceph-osd -c "$CONF" -i 0 --no-mon-config --mkfs --osd-uuid "$osd_uuid" \
    >>"$LOGS/mkfs.out" 2>&1 || { log_tail; die "ceph-osd --mkfs failed"; }
  local id
  id=$(ceph -c "$CONF" --connect-timeout 30 osd new "$osd_uuid" 0 2>>"$LOGS/mkfs.out") ||
    { log_tail; die "'ceph osd new' failed (is the mon up?)"; }
  [[ "$id" == 0 ]] || die "expected osd id 0, got '$id'"
  launch osd ceph-osd -c "$CONF" -f -i 0
}

wait_ready() { # start_ns
  local start="$1" deadline=$(( $(date +%s) + TIMEOUT )) alive
  while ! rgw_ready; do
    alive=$(running_daemons)
    if [[ "$alive" != "mon osd radosgw" ]]; then
      log_tail
      die "gateway $INSTANCE: a daemon exited during start-up (alive: ${alive:-none}); logs in $LOGS"
    fi
    if (( $(date +%s) >= deadline )); then
      log_tail
      die "gateway $INSTANCE: radosgw did not answer 200 on $ENDPOINT/ within ${TIMEOUT}s; logs in $LOGS"
    fi
    sleep 0.1
  done
}

ensure_user() { # uid display access secret
  local uid="$1" name="$2" access="$3" secret="$4" info
  if info=$(radosgw-admin -c "$CONF" user info --uid="$uid" 2>/dev/null); then
    if ! grep -qF "\"$access\"" <<<"$info"; then
      radosgw-admin -c "$CONF" key create --uid="$uid" --key-type=s3 \
        --access-key="$access" --secret-key="$secret" >/dev/null
    fi
  else
    radosgw-admin -c "$CONF" user create --uid="$uid" --display-name="$name" \
      --access-key="$access" --secret-key="$secret" >/dev/null
  fi
}

ensure_users() {
  local r1=0 r2=0
  ensure_user reclaim-admin "Reclaim admin" "$ADMIN_ACCESS" "$ADMIN_SECRET" 2>>"$LOGS/users.out" &
  local p1=$!
  ensure_user reclaim-restricted "Reclaim restricted" "$RESTRICTED_ACCESS" "$RESTRICTED_SECRET" 2>>"$LOGS/users.out" &
  local p2=$!
  wait "$p1" || r1=$?
  wait "$p2" || r2=$?
  [[ $r1 == 0 && $r2 == 0 ]] || { tail -n 20 "$LOGS/users.out" >&2 || true; die "creating S3 users with radosgw-admin failed"; }
}

start_rgw() { # [offset]
  local offset="${1:-}"
  if [[ -n "$offset" ]]; then
    launch radosgw-faketime env FAKETIME_DONT_FAKE_MONOTONIC=1 faketime -f "$offset" \
      radosgw -c "$CONF" -f -n "$RGW_NAME" --rgw_enable_lc_threads=false
    # faketime forks: record the wrapper and the real radosgw (its child)
    local wrapper i child=""
    wrapper=$(<"$PIDS/radosgw-faketime.pid")
    for ((i = 0; i < 100; i++)); do
      child=$(pgrep -P "$wrapper" -x radosgw || true)
      [[ -n "$child" ]] && break
      sleep 0.05
    done
    [[ -n "$child" ]] || { log_tail; die "radosgw under faketime did not start"; }
    echo "$child" >"$PIDS/radosgw.pid"
  else
    launch radosgw radosgw -c "$CONF" -f -n "$RGW_NAME"
  fi
}

check_ports_free() {
  local p what holder
  for p in "$MON_PORT" "$RGW_PORT"; do
    if port_taken "$p"; then
      [[ "$p" == "$MON_PORT" ]] && what="mon" || what="radosgw"
      holder=$(ss -Hltnp "( sport = :$p )" 2>/dev/null | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -n1)
      if [[ -n "$holder" ]] && is_ours "$holder"; then
        die "port $p is held by pid $holder, a daemon of gateway '$INSTANCE' whose pid file was lost (was $DATA removed while it ran?). Stop it with: kill $holder"
      fi
      die "port $p (for the $what of gateway '$INSTANCE') is already in use by another process ($(port_owner "$p" || true)). Stop it, or choose other ports with RECLAIM_MON_PORT / RECLAIM_GW_PORT."
    fi
  done
}

# Used when the instance is only partly running: a radosgw whose OSD is gone hangs in
# its shutdown, so the grace periods are short (the state is broken anyway).
stop_all() {
  local rc=0
  stop_one radosgw 3 || rc=1
  stop_one osd 10 || rc=1
  stop_one mon 5 || rc=1
  return $rc
}

# ---------------------------------------------------------------- commands
cmd_start() {
  local t0
  t0=$(now_ns)
  ensure_packages
  mkdir -p "$DATA_ROOT"
  if is_healthy; then
    ensure_keys
    write_json_files
    echo "gateway $INSTANCE ready at $ENDPOINT ($STORE) in 0.0s (already running)"
    return 0
  fi
  # partly running (a daemon died): stop what is left of ours, then start cleanly
  if [[ -n "$(running_daemons)" || -f "$PIDS/radosgw-faketime.pid" ]]; then
    echo "$PROG: gateway $INSTANCE is only partly running ($(running_daemons)); restarting it" >&2
    stop_all || true
  fi

  local reuse=0
  if cluster_exists && [[ "$INSTANCE" != test ]]; then
    reuse=1
    if [[ -n "${RECLAIM_GW_STORE:-}" && "$RECLAIM_GW_STORE" != "$REC_STORE" ]]; then
      die "instance '$INSTANCE' holds a $REC_STORE cluster but RECLAIM_GW_STORE=$RECLAIM_GW_STORE; unset it, or remove $DATA to start over"
    fi
    if [[ -n "${RECLAIM_MON_PORT:-}" && "$RECLAIM_MON_PORT" != "$REC_MON_PORT" ]]; then
      die "instance '$INSTANCE' was created with mon port $REC_MON_PORT (it is in the cluster's monmap); unset RECLAIM_MON_PORT, or remove $DATA to start over"
    fi
    STORE="$REC_STORE"
    MON_PORT="$REC_MON_PORT"
    if [[ "$STORE" == memstore && ! -f "$DATA/osd-clean" ]]; then
      echo "$PROG: memstore data of '$INSTANCE' was not saved by a clean stop; recreating the cluster" >&2
      reuse=0
    fi
  fi
  check_ports_free
  mkdir -p "$DATA"
  if [[ $reuse == 1 ]]; then
    mkdir -p "$LOGS" "$PIDS" "$DATA/run" "$DATA/crash" "$DATA/rgw"
    write_conf
    write_state
    rm -f "$DATA/osd-clean"
    launch mon ceph-mon -c "$CONF" -f -i a
    launch osd ceph-osd -c "$CONF" -f -i 0
  else
    wipe_cluster
    mkfs_cluster
  fi
  # radosgw waits for the OSD by itself; starting it now saves a polling round.
  start_rgw
  ensure_keys
  wait_ready "$t0"
  ensure_users
  write_json_files
  echo "gateway $INSTANCE ready at $ENDPOINT ($STORE) in $(elapsed "$t0")s"
}

cmd_stop() {
  if [[ -z "$(running_daemons)" && ! -f "$PIDS/radosgw-faketime.pid" ]]; then
    rm -f "$PIDS"/*.pid 2>/dev/null || true
    echo "gateway $INSTANCE is not running"
    return 0
  fi
  local t0 osd_was_running=0 rc=0
  t0=$(now_ns)
  pid_of osd >/dev/null && osd_was_running=1
  stop_one radosgw 15 || rc=1
  local osd_rc=0
  stop_one osd 60 || osd_rc=1
  stop_one mon 15 || rc=1
  if [[ $osd_was_running == 1 && $osd_rc == 0 && "$STORE" == memstore && "$INSTANCE" != test ]]; then
    touch "$DATA/osd-clean" # memstore wrote its data out on this clean shutdown
  fi
  echo "gateway $INSTANCE stopped in $(elapsed "$t0")s"
}

cmd_status() {
  local alive
  alive=$(running_daemons)
  if [[ "$alive" == "mon osd radosgw" ]] && rgw_ready; then
    echo "running $ENDPOINT ($STORE)"
    return 0
  elif [[ -z "$alive" ]]; then
    echo "stopped"
    return 3
  fi
  echo "degraded (alive: $alive; $ENDPOINT answers $(http_code || true))"
  return 1
}

cmd_restart_rgw() {
  local t0
  t0=$(now_ns)
  [[ "$(running_daemons)" == *"mon osd"* ]] || die "gateway $INSTANCE is not running (start it first)"
  stop_one radosgw 15 || true
  start_rgw "$OFFSET"
  wait_ready "$t0"
  echo "gateway $INSTANCE radosgw restarted${OFFSET:+ with clock offset $OFFSET} in $(elapsed "$t0")s"
}

cmd_env() {
  echo "RECLAIM_PROFILES_FILE=$PROFILES_JSON"
  echo "RECLAIM_GATEWAY_FILE=$GATEWAY_JSON"
}


case "$CMD" in
  start) with_lock "$INSTANCE" 300 cmd_start ;;
  stop) with_lock "$INSTANCE" 300 cmd_stop ;;
  status) cmd_status ;;
  restart-rgw) with_lock "$INSTANCE" 300 cmd_restart_rgw ;;
  env) cmd_env ;;
  *) usage ;;
esac
