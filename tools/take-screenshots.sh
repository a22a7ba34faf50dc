#!/usr/bin/env bash
# Refreshes docs/screenshots from the running product: starts a private stack (Azurite, the functions' local runner with
# the bundled default model, the dashboard), uploads samples/ plus one broken picture, waits until they are processed,
# and photographs every page at 390×844 (<page>-phone.png) and 1400×900 (<page>-desktop.png) in Chromium.
# The browser tests' ScreenshotTests do the work; they run only when CLOUDSEG_SCREENSHOTS names the output folder.
set -euo pipefail
cd "$(dirname "$0")/.."
source infra/scripts/prerequisites.sh
ensure_test_prerequisites

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
export CLOUDSEG_SCREENSHOTS="${1:-$PWD/docs/screenshots}"
dotnet test tests/CloudSeg.EndToEnd.Tests/CloudSeg.EndToEnd.Tests.csproj -c Release -nologo \
  --filter "FullyQualifiedName~ScreenshotTests"
ls -l "$CLOUDSEG_SCREENSHOTS"/*.png
