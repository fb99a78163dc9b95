#!/usr/bin/env bash
# `npm test`: everything from a fresh machine — dependencies, the real local Ceph gateway,
# a private PostgreSQL, typecheck, lint, unit, integration (on SQLite and on PostgreSQL) and
# Playwright end-to-end. Exits non-zero on any failure.
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
bash scripts/postgres.sh stop "$INSTANCE" >/dev/null 2>&1 || true
trap 'bash scripts/gateway.sh stop "$INSTANCE" || true; bash scripts/postgres.sh stop "$INSTANCE" || true' EXIT
rm -rf ".data/$INSTANCE"
bash scripts/gateway.sh start "$INSTANCE"
npx tsx scripts/seed.ts "$INSTANCE"

log "integration tests (real gateway, SQLite)"
npx vitest run --project integration

# The same suites on PostgreSQL: a private cluster; each test file gets a scratch database.
bash scripts/postgres.sh start "$INSTANCE"
log "database tests and integration tests (real gateway, PostgreSQL)"
RECLAIM_TEST_DATABASE_URL="$(bash scripts/postgres.sh url "$INSTANCE")" npx vitest run --project unit lib/ledger/history.test.ts lib/auth/login-throttle.test.ts lib/auth/user-rules.test.ts lib/policies/store.test.ts
RECLAIM_TEST_DATABASE_URL="$(bash scripts/postgres.sh url "$INSTANCE")" npx vitest run --project integration

log "production build (standalone)"
bash scripts/build.sh

log "end-to-end tests (Chromium, against the standalone build)"
rm -f ".data/$INSTANCE"/e2e.sqlite* ".data/$INSTANCE"/e2e-*.json
npx playwright test

log "two instances on one PostgreSQL (Chromium)"
npx playwright test --config playwright.multi-instance.config.ts

log "all checks passed"
