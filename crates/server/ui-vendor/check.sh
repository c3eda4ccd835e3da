#!/usr/bin/env bash
# Rebuilds the web UI's vendored front-end files from their npm lock files and fails when the
# committed copies differ: crates/server/ui/vendor/ (build.mjs over world-atlas, topojson-client,
# jsqr) and the browser test's axe-core (crates/cli/tests/ui/axe.min.js). Needs node and npm;
# building the Rust project does not. Run by .ci/run; by hand after changing a lock file:
#   bash crates/server/ui-vendor/check.sh --write
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
vendor="$root/crates/server/ui-vendor"
axe="$root/crates/cli/tests/ui"
write=0
[ "${1:-}" = "--write" ] && write=1

npm_ci() { (cd "$1" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error); }

npm_ci "$vendor"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
node "$vendor/build.mjs" "$scratch/vendor"
npm_ci "$axe"
cp "$axe/node_modules/axe-core/axe.min.js" "$scratch/axe.min.js"

if [ "$write" = 1 ]; then
  rm -rf "$root/crates/server/ui/vendor"
  cp -r "$scratch/vendor" "$root/crates/server/ui/vendor"
  cp "$scratch/axe.min.js" "$axe/axe.min.js"
  echo "vendored files written"
  exit 0
fi
status=0
diff -r "$scratch/vendor" "$root/crates/server/ui/vendor" >/dev/null || {
  echo "crates/server/ui/vendor/ differs from what its package-lock.json builds:"
  diff -rq "$scratch/vendor" "$root/crates/server/ui/vendor" || true
  status=1
}
cmp -s "$scratch/axe.min.js" "$axe/axe.min.js" || {
  echo "crates/cli/tests/ui/axe.min.js differs from axe-core of its package-lock.json"
  status=1
}
[ "$status" = 0 ] && echo "vendored UI files match their lock files"
exit "$status"
