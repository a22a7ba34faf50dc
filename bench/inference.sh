#!/usr/bin/env bash
# Inference benchmark (issue 2, "Performance"): torchvision maskrcnn_resnet50_fpn with random weights, 640x480 images,
# 2 threads. Prints our pipelined end-to-end `segment` time per image next to ONNX Runtime's bare Run of the same graph
# (both measured here, interleaved) and the issue's reference figures. CPU-heavy (a few minutes); not part of the tests.
#
#   bench/inference.sh [RUNS]        (RUNS = passes over the 6 images, default 3)
#
# The model and images are generated into /tmp/cloudseg-bench by tests/fixtures/models/make_r50_benchmark_model.py
# (Debian's python3-torchvision) on first use; set CLOUDSEG_BENCH_EAGER=1 to also time torchvision's eager forward.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out=/tmp/cloudseg-bench
runs="${1:-3}"

if [[ ! -f "$out/r50/model.onnx" ]]; then
  echo "Exporting maskrcnn_resnet50_fpn (random weights) to $out ..."
  /usr/bin/python3 "$root/tests/fixtures/models/make_r50_benchmark_model.py" "$out" ${CLOUDSEG_BENCH_EAGER:+--eager} 2>&1 \
    | grep -v -i warning | grep -v '^  ' || true
fi

echo "Reference (issue 2, this machine class): torchvision eager 9.9 s/image, ORT bare Run 1.2 s, FLOP limit ~0.5 s;"
echo "goal: end to end <= 1.0 x bare Run, stretch <= 0.8 s."
"$root/cloudseg" bench --model "$out/r50" --images "$out/images" --runs "$runs" --threads 2 --bare
