#!/usr/bin/env bash
# The production server, as every start path runs it (npm start, npm run demo, the end-to-end
# tests, the benchmark, the systemd unit and the container): the standalone build's server.js
# under Node with a memory-frugal garbage collector policy.
#
# By default V8 lets the old generation grow to as much as 4× what survived the last full
# collection before collecting again. Counting the parts of 20,000 uploads allocates fast
# (one SDK request per upload), so the server sat at 2–3× its live memory: peak RSS grew with
# the inventory although what it keeps is small. Growing by 30% instead keeps peak RSS close to
# live memory, for some more collector work (`npm run bench`, memory section).
#
#   serve.sh [-H host] [-p port]     defaults: 0.0.0.0 and $PORT, else 3000
#
# scripts/build.sh copies this file into the standalone folder; there it runs the server.js
# beside it. In a checkout it runs <RECLAIM_DIST_DIR or .next>/standalone on the checkout's Node.
# server.js makes its own folder the working directory, so file settings (RECLAIM_DB_FILE,
# RECLAIM_PROFILES_FILE) are absolute paths in production.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

die() {
  echo "serve.sh: $*" >&2
  exit 1
}

if [ -f "$here/server.js" ]; then
  app="$here"
else
  source "$here/lib.sh"
  use_node
  dist="${RECLAIM_DIST_DIR:-.next}"
  app="$REPO/$dist/standalone"
  [ -f "$app/server.js" ] || die "no standalone build in $app: run npm run build (scripts/build.sh)"
  [ -d "$app/$dist/static" ] || die "$app lacks its static files (a bare next build?): run npm run build (scripts/build.sh)"
fi

# Not $HOSTNAME from the environment: shells and container runtimes set it to the machine's name.
host=0.0.0.0
port="${PORT:-3000}"
while [ $# -gt 0 ]; do
  case "$1" in
    -H | --hostname) host="${2:?}"; shift 2 ;;
    -p | --port) port="${2:?}"; shift 2 ;;
    *) die "unknown argument $1 (usage: serve.sh [-H host] [-p port])" ;;
  esac
done

HOSTNAME="$host" PORT="$port" exec node --heap-growing-percent=30 "$app/server.js"
