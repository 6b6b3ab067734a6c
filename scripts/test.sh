#!/usr/bin/env bash
# Runs every Herald test on this machine. Installs what a fresh machine lacks (Chromium for the browser
# tests, Node.js and the Svix SDKs for tests/sdk-compat), starts a private PostgreSQL for the PostgreSQL tests,
# then runs the whole solution's tests.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
  echo "test.sh: installing Debian's chromium for the browser tests" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq chromium >&2
fi

# tests/sdk-compat runs the official Svix JavaScript SDKs (installed by `npm ci` from its package-lock.json).
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "test.sh: installing Debian's nodejs and npm for the Svix SDK tests" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq nodejs npm >&2
fi
if [[ ! -d tests/sdk-compat/node_modules/svix1 || ! -d tests/sdk-compat/node_modules/svix2 ]]; then
  # A failure here is reported again, with npm's output, by the test that needs the packages.
  (cd tests/sdk-compat && npm ci --no-audit --no-fund >&2) || echo "test.sh: npm ci in tests/sdk-compat failed" >&2
fi

if [[ -z "${HERALD_TEST_POSTGRES:-}" ]]; then
  eval "$(bash scripts/postgres.sh start)"
  export HERALD_TEST_POSTGRES
fi

log=$(mktemp)
set +e
dotnet test Herald.slnx "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# One closing line for the whole run, summed over every test assembly.
passed=$(grep -Eo 'Passed: +[0-9]+,' "$log" | awk '{ s += $2 } END { print s + 0 }')
failed=$(grep -Eo 'Failed: +[0-9]+,' "$log" | awk '{ s += $2 } END { print s + 0 }')
rm -f "$log"
echo "${passed:-0} passed, ${failed:-0} failed"
exit "$status"
