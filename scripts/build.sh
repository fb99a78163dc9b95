#!/usr/bin/env bash
# `npm run build`: the production build as one folder to deploy, <dist dir>/standalone
# (RECLAIM_DIST_DIR, default .next): the node_modules the app needs (better-sqlite3's native
# module included), the static files and public/ that Next leaves to be copied beside them,
# scripts/server.js and serve.sh, the start script. The end-to-end tests run this folder; the Dockerfile and
# the systemd unit (docs/deploy/) install it.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ensure_node_modules
cd "$REPO"
DIST="${RECLAIM_DIST_DIR:-.next}"
APP="$DIST/standalone"

# next build adds a dist dir other than .next to tsconfig.json's include list: put the file
# back as it was, so that parallel checkouts' builds leave the tree unchanged.
TSCONFIG_BEFORE="$(mktemp)"
cp tsconfig.json "$TSCONFIG_BEFORE"
trap 'cmp -s "$TSCONFIG_BEFORE" tsconfig.json || cp "$TSCONFIG_BEFORE" tsconfig.json; rm -f "$TSCONFIG_BEFORE"' EXIT

NEXT_TELEMETRY_DISABLED=1 npx next build

cp -R "$DIST/static" "$APP/$DIST/static"
cp -R public "$APP/public"
# Our server (it records each connection's peer address) instead of the one Next generates.
cp scripts/server.js "$APP/server.js"
# The folder must run as shipped: its own copy of the native module, built for this Node.
if ! node -e 'require(process.argv[1])(":memory:").close()' "$REPO/$APP/node_modules/better-sqlite3"; then
  echo "scripts/build.sh: $APP/node_modules/better-sqlite3 is missing or does not load under Node $(node -v)" >&2
  exit 1
fi
# Last: its presence tells serve.sh the folder is complete.
cp scripts/serve.sh "$APP/serve.sh"
log "standalone build: $APP (start it with $APP/serve.sh)"
