#!/usr/bin/env bash
# The production server, as every start path runs it (npm start, npm run demo, the end-to-end
# tests, the benchmark): scripts/server.js — Next.js's handler behind a plain Node HTTP server
# that records each connection's peer address (see that file) — under Node with a
# memory-frugal garbage collector policy.
#
# By default V8 lets the old generation grow to as much as 4× what survived the last full
# collection before collecting again. Counting the parts of 20,000 uploads allocates fast
# (one SDK request per upload), so the server sat at 2–3× its live memory: peak RSS grew with
# the inventory although what it keeps is small. Growing by 30% instead keeps peak RSS close to
# live memory, for some more collector work (`npm run bench`, memory section).
# Arguments: -H host, -p port.
exec node --heap-growing-percent=30 "$(dirname "$0")/server.js" "$@"
