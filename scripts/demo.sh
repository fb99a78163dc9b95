#!/usr/bin/env bash
# `npm run demo`: a local Ceph gateway seeded with realistic incomplete uploads, and the
# dashboard built and served against it. Ctrl-C stops the server and the gateway it started.
# The gateway keeps its data (bluestore) and the ledger its rows across restarts.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO"
INSTANCE=demo
PORT="${PORT:-3000}"
DATA=".data/$INSTANCE"

ensure_node_modules

RECLAIM_GW_STORE="${RECLAIM_GW_STORE:-bluestore}" bash scripts/gateway.sh start "$INSTANCE"
trap 'echo; bash scripts/gateway.sh stop "$INSTANCE"' EXIT
npx tsx scripts/seed.ts "$INSTANCE"

# The demo admin: created once, password kept in the data folder.
if [ ! -f "$DATA/demo-admin.env" ]; then
  umask 077
  printf 'RECLAIM_ADMIN_EMAIL=admin@reclaim.local\nRECLAIM_ADMIN_PASSWORD=%s\n' "$(node -e 'console.log(require("crypto").randomBytes(12).toString("base64url"))')" > "$DATA/demo-admin.env"
fi
set -a
# shellcheck disable=SC1091
source "$DATA/demo-admin.env"
set +a

if [ ! -f .next/standalone/serve.sh ] || [ -n "$(find app components lib public next.config.js tailwind.config.ts package-lock.json -newer .next/standalone/serve.sh -print -quit 2>/dev/null)" ]; then
  log "building the dashboard"
  bash scripts/build.sh
fi

export RECLAIM_PROFILES_FILE="$REPO/$DATA/profiles.json"
export RECLAIM_DB_FILE="$REPO/$DATA/reclaim.sqlite"
export BETTER_AUTH_URL="http://127.0.0.1:$PORT"

cat <<MSG

  Reclaim is running:  http://127.0.0.1:$PORT
  Sign in as:          $RECLAIM_ADMIN_EMAIL
  Password:            $RECLAIM_ADMIN_PASSWORD
  Storage endpoint:    $(node -e 'console.log(require(process.argv[1]).endpoint)' "$REPO/$DATA/gateway.json") (local Ceph RGW)

  Press Ctrl-C to stop the dashboard and the gateway.

MSG
# The server logs JSON lines (for log collectors); pino-pretty makes them readable here.
bash scripts/serve.sh -H 127.0.0.1 -p "$PORT" 2>&1 | node_modules/.bin/pino-pretty --colorize --singleLine --translateTime "SYS:HH:MM:ss" --ignore "pid,hostname,app"
