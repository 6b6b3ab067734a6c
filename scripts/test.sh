#!/usr/bin/env bash
# Runs every Herald test on this machine. Installs what a fresh machine lacks (Chromium for the browser
# tests, Node.js and the Svix SDKs for tests/sdk-compat), starts a private PostgreSQL for the PostgreSQL tests,
# then runs the whole solution's tests.
# Every PostgreSQL server the run starts (its own, and the private instances the restart tests start under
# HERALD_TEST_PG_ROOT) is stopped when the run ends, also when tests fail or the run is interrupted (Ctrl-C).
# The last line of output is "N passed, N failed"; the exit code is dotnet test's.
#
#   HERALD_TEST_POSTGRES=<connection string>   use that server instead of starting one
#   HERALD_PG_DIR=<dir>                        start the private server there (stopped afterwards only if
#                                              this run started it)
#   extra arguments go to dotnet test, e.g. --filter "FullyQualifiedName~Signing"
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
  echo "test.sh: installing Debian's chromium for the browser tests" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 </dev/null
  apt-get install -y -qq chromium >&2 </dev/null
fi

# tests/sdk-compat runs the official Svix JavaScript SDKs (installed by `npm ci` from its package-lock.json).
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "test.sh: installing Debian's nodejs and npm for the Svix SDK tests" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 </dev/null
  apt-get install -y -qq nodejs npm >&2 </dev/null
fi
if [[ ! -d tests/sdk-compat/node_modules/svix1 || ! -d tests/sdk-compat/node_modules/svix2 ]]; then
  # A failure here is reported again, with npm's output, by the test that needs the packages.
  (cd tests/sdk-compat && npm ci --no-audit --no-fund >&2 </dev/null) || echo "test.sh: npm ci in tests/sdk-compat failed" >&2
fi

# A folder of this run's own for private PostgreSQL instances; readable by the unprivileged user the server
# runs as when the tests run as root.
run_root=$(mktemp -d "${TMPDIR:-/tmp}/herald-test-XXXXXX")
chmod 755 "$run_root"
export HERALD_TEST_PG_ROOT=$run_root/pg
mkdir -p "$HERALD_TEST_PG_ROOT"
chmod 755 "$HERALD_TEST_PG_ROOT"

own_pg_dir=""
log=""
cleanup() {
  local code=$?
  trap - EXIT INT TERM
  set +e
  # Instances tests started and did not stop (a test killed half-way, an interrupted run).
  for dir in "$HERALD_TEST_PG_ROOT"/*/; do
    [[ -f ${dir}data/PG_VERSION ]] && HERALD_PG_DIR=${dir%/} bash scripts/postgres.sh stop >/dev/null 2>&1
  done
  if [[ -n $own_pg_dir ]]; then
    HERALD_PG_DIR=$own_pg_dir bash scripts/postgres.sh stop >/dev/null 2>&1
  fi
  rm -rf "$run_root"
  [[ -n $log ]] && rm -f "$log"
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ -z "${HERALD_TEST_POSTGRES:-}" ]]; then
  if [[ -z "${HERALD_PG_DIR:-}" ]]; then
    export HERALD_PG_DIR=$run_root/main
  fi
  if ! bash scripts/postgres.sh status 2>/dev/null; then
    own_pg_dir=$HERALD_PG_DIR
  fi
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
echo "${passed:-0} passed, ${failed:-0} failed"
exit "$status"
