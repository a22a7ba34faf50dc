#!/usr/bin/env bash
# Validates the Azure deployment: `bicep build` (the template compiles to ARM JSON) and `bicep lint` (the linter's
# rules) on infra/main.bicep and the example parameters file. Any error OR warning fails: a warning such as BCP081
# ("no types for this API version") means Bicep could not check a resource's properties, so a template with warnings
# is not validated — and `bicep lint` itself exits 0 on warnings, so we read its output.
#
# The Bicep CLI comes from the NuGet package Azure.Bicep.CommandLine.linux-x64 (the only registry reachable here and
# in CI), downloaded once with `dotnet package download` into .cloudseg/tools (git-ignored); later runs reuse it.
set -euo pipefail

BICEP_VERSION=0.49.2
repo="$(cd "$(dirname "$0")/.." && pwd)"
tools="$repo/.cloudseg/tools"
package="$tools/azure.bicep.commandline.linux-x64/$BICEP_VERSION"
bicep="$package/tools/bicep"

# NuGet writes .nupkg.metadata after extracting, so its presence means a complete package (an interrupted download
# is thrown away and fetched again).
if [[ ! -f "$package/.nupkg.metadata" || ! -f "$bicep" ]]; then
  echo "validate: installing Bicep CLI $BICEP_VERSION (NuGet Azure.Bicep.CommandLine.linux-x64)"
  rm -rf "$package"
  mkdir -p "$tools"
  DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 \
    dotnet package download "Azure.Bicep.CommandLine.linux-x64@$BICEP_VERSION" --output "$tools" >/dev/null
fi
# NuGet extraction does not keep the executable bit.
[[ -x "$bicep" ]] || chmod +x "$bicep"

diagnostics="$(mktemp)"
trap 'rm -f "$diagnostics"' EXIT

run() {
  # Diagnostics go to stderr (lint also prints them on stdout); --stdout output of build is ARM JSON, not needed.
  local status=0 out=/dev/null
  [[ "$1" == lint ]] && out="$diagnostics"
  "$bicep" "$@" >>"$out" 2>>"$diagnostics" || status=$?
  if (( status != 0 )); then
    echo "validate: bicep $* exited with $status" >>"$diagnostics"
  fi
}

run build "$repo/infra/main.bicep" --stdout --no-restore
run lint "$repo/infra/main.bicep" --no-restore
run build-params "$repo/infra/main.bicepparam" --stdout --no-restore

problems="$(grep -E ' : (Error|Warning) |exited with' "$diagnostics" | sort -u || true)"
if [[ -n "$problems" ]]; then
  echo "$problems"
  echo "validate: FAILED ($(grep -c . <<<"$problems") problems in infra/*.bicep)"
  exit 1
fi
echo "validate: infra/main.bicep builds and lints clean (Bicep $BICEP_VERSION)"
