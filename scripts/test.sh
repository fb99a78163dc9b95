#!/usr/bin/env bash
# `npm test`: everything from a fresh machine — dependencies, the real local Ceph gateway,
# typecheck, lint, unit, integration and Playwright end-to-end. Exits non-zero on any failure.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO"
export NO_COLOR=1
INSTANCE=test
export RECLAIM_TEST_INSTANCE=$INSTANCE

ensure_node_modules
ensure_chromium
# promtool (Debian's prometheus): the integration suite checks a real scrape and the alert rules with it.
ensure_debian_packages "promtool" prometheus

log "typecheck";   npm run --silent typecheck
log "lint";        npx eslint . --max-warnings=0 && npx knip
log "unit tests";  npx vitest run --project unit

# A fresh gateway each run: tests compare against what the seeder just created.
bash scripts/gateway.sh stop "$INSTANCE" >/dev/null 2>&1 || true
trap 'bash scripts/gateway.sh stop "$INSTANCE" || true' EXIT
rm -rf ".data/$INSTANCE"
bash scripts/gateway.sh start "$INSTANCE"
npx tsx scripts/seed.ts "$INSTANCE"

log "integration tests (real gateway)"
npx vitest run --project integration

log "production build (standalone)"
bash scripts/build.sh

log "end-to-end tests (Chromium, against the standalone build)"
rm -f ".data/$INSTANCE"/e2e.sqlite* ".data/$INSTANCE"/e2e-*.json
npx playwright test

log "all checks passed"
