#!/usr/bin/env bash
# The production server, as every start path runs it (npm start, npm run demo, the end-to-end
# tests, the benchmark, the systemd unit and the container): the standalone build's server.js
# (scripts/server.js, copied there by scripts/build.sh: Next.js's handler behind a plain Node
# HTTP server that records each connection's peer address) under Node with a memory-frugal
# garbage collector policy.
#
# By default V8 lets the old generation grow to as much as 4× what survived the last full
# collection before collecting again. Counting the parts of 20,000 uploads allocates fast
# (one SDK request per upload), so the server sat at 2–3× its live memory: peak RSS grew with
# the inventory although what it keeps is small. Growing by 30% instead keeps peak RSS close to
# live memory, for some more collector work (`npm run bench`, memory section).
#
# Arguments: -H host, -p port. scripts/build.sh copies this file into the standalone folder,
# where it runs the server.js beside it; in a checkout it runs <RECLAIM_DIST_DIR or
# .next>/standalone on the checkout's Node (scripts/lib.sh).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [ -f "$here/lib.sh" ]; then
  source "$here/lib.sh"
  use_node
  dist="${RECLAIM_DIST_DIR:-.next}"
  app="$REPO/$dist/standalone"
  if [ ! -f "$app/serve.sh" ]; then
    echo "serve.sh: no standalone build in $app (a bare next build?): run npm run build (scripts/build.sh)" >&2
    exit 1
  fi
else
  app="$here"
fi
exec node --heap-growing-percent=30 "$app/server.js" "$@"
