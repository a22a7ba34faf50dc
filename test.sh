#!/usr/bin/env bash
# The test command: installs what the tests need (Chromium, fonts, Azurite), builds the solution once and runs every
# suite (unit, Azurite integration, browser end-to-end) plus the Bicep validation. CI calls exactly this.
set -euo pipefail
cd "$(dirname "$0")"
source infra/scripts/prerequisites.sh
ensure_test_prerequisites

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build CloudSeg.sln -c Release -v q -nologo

results=$(mktemp -d)
status=0
dotnet test CloudSeg.sln -c Release --no-build -nologo \
  --logger "trx" --results-directory "$results" 2>&1 | tee "$results/test.log" || status=$?

bash infra/validate.sh || status=$?

# One plain closing line over all test assemblies, so any reader of the log sees the totals.
passed=$(grep -hoE 'Passed: +[0-9]+' "$results/test.log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -hoE 'Failed: +[0-9]+' "$results/test.log" | awk '{s+=$2} END {print s+0}')
echo "tests: $passed passed, $failed failed"
exit $status
