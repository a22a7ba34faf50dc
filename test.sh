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

# The GPU build: the functions image ships Microsoft.ML.OnnxRuntime.Gpu (-p:OnnxRuntimeGpu=true). It must restore and
# build here too, and on this machine without a CUDA device the segmenter must fall back to the CPU and log so. Only
# the inference library and its tests are built that way (into their own artifacts folder): cheap, and it is the one
# project whose package changes.
dotnet test tests/CloudSeg.Inference.Tests/CloudSeg.Inference.Tests.csproj -c Release -nologo -v q \
  -p:OnnxRuntimeGpu=true --artifacts-path .cloudseg/gpu-build --filter "FullyQualifiedName~GpuPackageFallbackTests" \
  2>&1 | tee -a "$results/test.log" || status=$?

bash infra/validate.sh || status=$?

# One plain closing line over all test assemblies, so any reader of the log sees the totals.
passed=$(grep -hoE 'Passed: +[0-9]+' "$results/test.log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -hoE 'Failed: +[0-9]+' "$results/test.log" | awk '{s+=$2} END {print s+0}')
echo "tests: $passed passed, $failed failed"
exit $status
