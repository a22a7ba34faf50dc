#!/usr/bin/env bash
# GPU check (issue 16): on a machine with an NVIDIA GPU, builds the CLI with the ONNX Runtime GPU package
# (-p:OnnxRuntimeGpu=true, Microsoft.ML.OnnxRuntime.Gpu, the package the functions image ships), runs `cloudseg bench`
# on the R-50-FPN export with the CUDA provider, and prints seconds per image, the provider actually used and the GPU.
#
#   bench/gpu-check.sh [RUNS]        (RUNS = passes over the 6 images, default 3)
#
# Needs the .NET SDK, the NVIDIA driver with CUDA 12 + cuDNN 9 libraries on the loader path (ONNX Runtime's CUDA
# provider needs them), and the R-50 export in /tmp/cloudseg-bench/r50 (made by bench/inference.sh with Debian's
# python3-torchvision; copy it over where that is not installed). Exits 1 when the provider used is not CUDA.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bench=/tmp/cloudseg-bench
runs="${1:-3}"
artifacts="$root/.cloudseg/gpu-build"

if [[ ! -f "$bench/r50/model.onnx" ]]; then
  echo "Exporting maskrcnn_resnet50_fpn (random weights) to $bench ..."
  /usr/bin/python3 "$root/tests/fixtures/models/make_r50_benchmark_model.py" "$bench" 2>&1 | grep -v -i warning | grep -v '^  ' || true
fi

gpu="$(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null || echo "none (nvidia-smi found no GPU)")"
echo "GPU: $gpu"

echo "Building the CLI with Microsoft.ML.OnnxRuntime.Gpu into $artifacts ..."
DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 dotnet build "$root/cli/CloudSeg.Cli/CloudSeg.Cli.csproj" -c Release -v q -nologo \
  -p:OnnxRuntimeGpu=true --artifacts-path "$artifacts" >/dev/null
cli="$artifacts/bin/CloudSeg.Cli/release/cloudseg.dll"

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
# The bench header names the provider the session got ("on CUDA" / "on CPU").
dotnet "$cli" bench --model "$bench/r50" --images "$bench/images" --runs "$runs" --bare 2>&1 | tee "$log"

provider="$(grep -oE ' on (CUDA|CPU),' "$log" | head -1 | tr -d ' ,' | sed 's/^on//')"
echo
echo "gpu-check: provider used: ${provider:-unknown}; GPU: $gpu"
grep -iE 's/image|median|images/s' "$log" | sed 's/^/gpu-check: /' || true
[[ "$provider" == "CUDA" ]]
