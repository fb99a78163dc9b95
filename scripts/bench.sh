#!/usr/bin/env bash
# `npm run bench`: throughput of Reclaim's S3 code and bulk jobs against the raw SDK and the
# CLI tools admins use (aws-cli, s3cmd, rclone), measured in the same run on a dedicated local
# gateway (instance "bench"), plus scaling. Extra arguments go to bench/inventory-bench.ts,
# e.g. `npm run bench -- --quick` or `-- --uploads 20000`. Results: one table on stdout and
# JSON in bench/out/.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO"
ensure_node_modules
# The CLI tools admins script today, compared side by side. Checked by absolute path: an
# older aws-cli (pyenv shim) may come first on PATH, and the bench calls /usr/bin/* only.
ensure_debian_packages "/usr/bin/aws /usr/bin/s3cmd /usr/bin/rclone" awscli s3cmd rclone
# server-only resolves to its empty module under the react-server condition, as in Next.
npx tsx --conditions=react-server bench/inventory-bench.ts "$@"
