#!/usr/bin/env bash
# `npm run bench`: throughput of Reclaim's S3 code against the raw SDK, measured in the same
# run on a dedicated local gateway (instance "bench"). Extra arguments go to the benchmark,
# e.g. `npm run bench -- --uploads 20000`. Results: a table on stdout and JSON in bench/out/.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO"
ensure_node_modules
# server-only resolves to its empty module under the react-server condition, as in Next.
npx tsx --conditions=react-server bench/inventory-bench.ts "$@"
