# Shared shell helpers for scripts/*.sh. Source it; do not run it.

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

log() { printf '\033[1m==>\033[0m %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" = "0" ]; then "$@"; else sudo "$@"; fi
}

# The message of a script that cannot go on ($PROG: the script's name as its usage shows it).
die() {
  echo "${PROG:-$0}: $*" >&2
  exit 1
}

# gateway.sh and postgres.sh keep each instance's files under .data/<instance>/.
check_instance_name() {
  [[ "$1" =~ ^[a-z0-9-]+$ ]] || die "instance name must match [a-z0-9-]+ (got '$1')"
}

# Runs "$@" holding a lock file under .data/ (one script at a time per instance and kind):
#   with_lock <lock name> <seconds to wait> <command…>
with_lock() {
  local name="$1" wait="$2"; shift 2
  mkdir -p "$REPO/.data"
  exec 9>"$REPO/.data/.$name.lock"
  flock -w "$wait" 9 || die "could not lock '$name' (another ${PROG:-script} is busy with it)"
  "$@"
}

port_taken() { [[ -n "$(ss -Hltn "( sport = :$1 )" 2>/dev/null)" ]]; }

# Installs Debian packages (as root, or through sudo). On stderr: some callers print their
# answer on stdout (postgres.sh url).
install_debian_packages() {
  log "installing Debian packages: $*" >&2
  as_root apt-get update -qq >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
}

# Installs the named Debian packages when any of the given commands is missing.
ensure_debian_packages() {
  local commands="$1"; shift
  local missing=0
  for c in $commands; do command -v "$c" >/dev/null 2>&1 || missing=1; done
  [ "$missing" = 0 ] && return 0
  install_debian_packages "$@"
}

# Reclaim runs on Node.js 24 LTS (README, "Node.js"). When the Node on PATH is another major
# version (Debian's machines have 20), the scripts run this release instead, fetched once from
# the npm registry (package node-linux-<arch>, checked against the integrity pinned here) into
# .data/node-<version>-linux-<arch> (dots: no gateway instance's folder can have that name).
# That package carries the headers and .gypi files node-gyp needs, so native modules
# (better-sqlite3) compile against it without a header download.
NODE_VERSION=24.22.3
node_integrity() {
  case "$1" in
    x64) echo "sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==" ;;
    arm64) echo "sha512-IZx0J52/1NDwAsY2iyWR9nlPIYuYviTWetjj8+ElvYQh2+XRhLfCfkbFEF/2O5vGI2hcUbyPNHV+nz342FbJXw==" ;;
  esac
}

# Puts the pinned Node first on PATH (fetching it when absent) and points node-gyp at it,
# unless the Node on PATH is already a 24 (a container's, or the pinned one from a parent script).
use_node() {
  if [ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null)" = "24" ]; then
    # node-gyp must build against this Node's headers: Debian's npm would take its own Node 20's
    # (/usr/include/nodejs), and better-sqlite3 would then not load.
    local prefix
    prefix="$(dirname "$(dirname "$(command -v node)")")"
    if [ -z "${npm_config_nodedir:-}" ] && [ -f "$prefix/include/node/node_version.h" ]; then
      export npm_config_nodedir="$prefix"
    fi
    return 0
  fi
  local arch
  case "$(uname -m)" in
    x86_64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) echo "Reclaim's scripts know no Node.js package for $(uname -m)" >&2; return 1 ;;
  esac
  local home="$REPO/.data/node-$NODE_VERSION-linux-$arch"
  if [ ! -x "$home/bin/node" ]; then
    log "fetching Node.js $NODE_VERSION from the npm registry (node-linux-$arch)"
    local tmp expected actual
    tmp="$(mktemp -d)"
    npm pack --silent "node-linux-$arch@$NODE_VERSION" --pack-destination "$tmp" >/dev/null
    # npm's integrity is "sha512-<base64>"; compared as hex with coreutils only.
    expected="$(node_integrity "$arch" | sed 's/^sha512-//' | base64 -d | od -An -v -tx1 | tr -d ' \n')"
    actual="$(sha512sum "$tmp/node-linux-$arch-$NODE_VERSION.tgz" | cut -d' ' -f1)"
    if [ "$actual" != "$expected" ]; then
      rm -rf "$tmp"
      echo "node-linux-$arch@$NODE_VERSION from the registry does not match its pinned integrity" >&2
      return 1
    fi
    mkdir -p "$tmp/node" "$(dirname "$home")"
    tar -xzf "$tmp/node-linux-$arch-$NODE_VERSION.tgz" -C "$tmp/node" --strip-components=1
    rm -rf "$home"
    mv "$tmp/node" "$home"
    rm -rf "$tmp"
  fi
  export PATH="$home/bin:$PATH"
  export npm_config_nodedir="$home"
}

# npm ci when node_modules is missing or older than the lockfile; a rebuild of the native
# module when it was compiled for another Node (e.g. by an `npm ci` under the machine's Node).
ensure_node_modules() {
  use_node
  cd "$REPO"
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    log "installing npm dependencies (npm ci, Node $(node -v))"
    npm ci --no-audit --no-fund
  fi
  if ! node -e 'require("better-sqlite3")(":memory:").close()' >/dev/null 2>&1; then
    log "rebuilding better-sqlite3 for Node $(node -v)"
    npm rebuild better-sqlite3
  fi
}

ensure_chromium() {
  ensure_debian_packages "chromium" chromium
}
