#!/usr/bin/env bash
# Refreshes the pictures in docs/screenshots by running the browser tests with HERALD_SCREENSHOTS_DIR pointing
# there. An ordinary test run (scripts/test.sh) saves its screenshots under each test project's bin/ folder
# instead and never touches docs/. Commit the changed PNGs afterwards if they show what you meant.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
  echo "screenshots.sh: installing Debian's chromium" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq chromium >&2
fi

export HERALD_SCREENSHOTS_DIR=$PWD/docs/screenshots
dotnet test tests/Herald.Server.Tests --filter "FullyQualifiedName~DashboardBrowserTests|FullyQualifiedName~PortalBrowserTests"
dotnet test tests/Herald.Checkout.Tests --filter "FullyQualifiedName~CheckoutPageTests"
git status --short docs/screenshots
