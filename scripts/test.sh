#!/usr/bin/env bash
# Runs every Herald test on this machine. Installs what a fresh machine lacks (Chromium for the browser
# tests), starts a private PostgreSQL for the PostgreSQL tests, then runs the whole solution's tests.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
  echo "test.sh: installing Debian's chromium for the browser tests" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq chromium >&2
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
