#!/usr/bin/env bash
# Rebuilds the bundled YOLACT model (models/yolact/) from nothing, with fixed seeds, on the same data as the default
# Mask R-CNN (training/make-default-model.sh):
#   shapes dataset → cloudseg train --arch yolact → cloudseg export → cloudseg segment on the held-out split
#   → cloudseg eval → export again with the measured metrics into models/yolact/.
# Usage, from anywhere:   training/make-yolact-model.sh
# Work files (dataset, checkpoints, metrics.jsonl, validation results) go to $WORK (default /tmp/cloudseg-yolact-model).
# Each stage is skipped when its output already exists, and an interrupted training run continues from its newest
# checkpoint, so running the script again finishes the job.
# CLOUDSEG_DLL=path/to/cloudseg.dll runs a prebuilt CLI instead of ./cloudseg (which rebuilds when sources change).
# Figures of the committed model: docs/benchmarks.md, section "YOLACT vs Mask R-CNN".
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${WORK:-/tmp/cloudseg-yolact-model}"
out="${OUT:-$root/models/yolact}"
cd "$root"   # export records the git commit of the working directory as the card's code version

cloudseg() {
  if [[ -n "${CLOUDSEG_DLL:-}" ]]; then dotnet "$CLOUDSEG_DLL" "$@"; else "$root/cloudseg" "$@"; fi
}

# 1. Data: the default model's (4 classes at 128 px, 1–4 shapes per picture; val is held out with its own seeds).
if [[ ! -f "$work/shapes/val/annotations.json" ]]; then
  cloudseg shapes --out "$work/shapes" --train 3000 --val 200 --size 128 --seed 1
fi

# 2. Train the small YOLACT (YolactOptions.Small: half-width ResNet-18 from scratch, 64-channel FPN and heads,
#    16 prototypes, priors 24–384 px) at the pictures' own size: 4000 SGD steps of 4 pictures (5.3 epochs), warm-up
#    200 steps, cosine decay, 2 threads. lr 0.01: at 0.02 and 0.05 the prediction head settles within 300 steps on outputs that ignore the picture
#    (class loss 3.66 = the best constant answer for 3 hard negatives per positive, box loss flat) and never leaves.
if [[ ! -f "$work/run/model/checkpoint.json" ]]; then
  resume=()
  [[ -d "$work/run/checkpoints" ]] && resume=(--resume "$work/run")
  cloudseg train --arch yolact --data "$work/shapes/train" --out "$work/run" \
    --size small --backbone resnet18 --image-size 128 \
    --steps 4000 --batch-size 4 --lr 0.01 --warmup 200 --schedule cosine --checkpoint-every 500 \
    --threads 2 --seed 1 "${resume[@]}"
fi

# 3. Export, then score the exported ONNX graph the way users run it (everything down to score 0.05).
cloudseg export --checkpoint "$work/run" --out "$work/package" --train-data "$work/shapes/train"
rm -rf "$work/val-results"
cloudseg segment "$work/shapes/val/images" --model "$work/package" --score-threshold 0.05 \
  --threads 2 --output "$work/val-results"
cloudseg eval --gt "$work/shapes/val/annotations.json" --results "$work/val-results" --json "$work/val-eval.json"

# 4. The committed package: the same weights, with the exported graph's metrics in its card.
cloudseg export --checkpoint "$work/run" --out "$out" --name cloudseg-yolact-shapes-resnet18 --version shapes-yolact-r18-v1 \
  --metrics "$work/val-eval.json" --train-data "$work/shapes/train" --score-threshold 0.5 --mask-threshold 0.5
ls -l "$out"
