# Shared shell helpers for scripts/*.sh. Source it; do not run it.

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

log() { printf '\033[1m==>\033[0m %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" = "0" ]; then "$@"; else sudo "$@"; fi
}

# Installs the named Debian packages when any of the given commands is missing.
ensure_debian_packages() {
  local commands="$1"; shift
  local missing=0
  for c in $commands; do command -v "$c" >/dev/null 2>&1 || missing=1; done
  [ "$missing" = 0 ] && return 0
  log "installing Debian packages: $*"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# npm ci when node_modules is missing or older than the lockfile.
ensure_node_modules() {
  cd "$REPO"
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    log "installing npm dependencies (npm ci)"
    npm ci --no-audit --no-fund
  fi
}

ensure_chromium() {
  ensure_debian_packages "chromium" chromium
}
