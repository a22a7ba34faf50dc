#!/usr/bin/env bash
# Rebuilds the bundled default model (models/default/) from nothing, with fixed seeds:
#   shapes dataset → cloudseg train → cloudseg export → cloudseg segment on the held-out split → cloudseg eval
#   → export again with the measured metrics into models/default/ → its calibrated int8 graph (cloudseg quantize).
# Usage, from anywhere:   training/make-default-model.sh
# Work files (dataset, checkpoints, metrics.jsonl, validation results and overlays) go to $WORK
# (default /tmp/cloudseg-default-model). Each stage is skipped when its output already exists, and an interrupted
# training run continues from its newest checkpoint, so running the script again finishes the job.
# CLOUDSEG_DLL=path/to/cloudseg.dll runs a prebuilt CLI instead of ./cloudseg (which rebuilds when sources change).
# Figures of the committed model: docs/benchmarks.md, section "Default model".
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${WORK:-/tmp/cloudseg-default-model}"
out="${OUT:-$root/models/default}"
cd "$root"   # export records the git commit of the working directory as the card's code version

cloudseg() {
  if [[ -n "${CLOUDSEG_DLL:-}" ]]; then dotnet "$CLOUDSEG_DLL" "$@"; else "$root/cloudseg" "$@"; fi
}

# 1. Data: 4 classes (circle, square, triangle, star) at 128 px, 1–4 shapes per picture; val is held out (own seeds).
if [[ ! -f "$work/shapes/val/annotations.json" ]]; then
  cloudseg shapes --out "$work/shapes" --train 3000 --val 200 --size 128 --seed 1
fi

# 2. Train the small ResNet-18 FPN Mask R-CNN + MaskIoU head (MaskRcnnOptions.Small) at the pictures' own size
#    (no upscaling): 5500 SGD steps of 4 pictures (7.3 epochs), warm-up 200 steps, cosine decay, 2 threads.
if [[ ! -f "$work/run/model/checkpoint.json" ]]; then
  resume=()
  [[ -d "$work/run/checkpoints" ]] && resume=(--resume "$work/run")
  cloudseg train --data "$work/shapes/train" --val "$work/shapes/val" --out "$work/run" \
    --size small --backbone resnet18 --image-size 128 \
    --steps 5500 --batch-size 4 --lr 0.05 --warmup 200 --schedule cosine --checkpoint-every 500 \
    --threads 2 --seed 1 "${resume[@]}"
fi

# 3. Export, then score the exported ONNX graph the way users run it. Segment keeps everything down to 0.05 and
#    writes the detector's own scores (plus mask_iou), so eval reports AP with and without MaskIoU rescoring.
cloudseg export --checkpoint "$work/run" --out "$work/package" --train-data "$work/shapes/train"
rm -rf "$work/val-results"
cloudseg segment "$work/shapes/val/images" --model "$work/package" --score-threshold 0.05 --no-mask-iou-rescoring \
  --threads 2 --output "$work/val-results"
cloudseg eval --gt "$work/shapes/val/annotations.json" --results "$work/val-results" --json "$work/val-eval.json"

# 4. The committed package: the same weights, with the exported graph's metrics in its card.
cloudseg export --checkpoint "$work/run" --out "$out" --name cloudseg-shapes-resnet18 --version shapes-r18-v2 \
  --metrics "$work/val-eval.json" --train-data "$work/shapes/train" --score-threshold 0.5 --mask-threshold 0.5

# 5. The int8 graph CPU hosts serve (issue 13): calibrated on 64 training pictures, recorded in the card beside the
#    float graph; quantize checks its agreement with the float graph on held-back pictures.
cloudseg quantize "$out" --calibration "$work/shapes/train/images" --images 64 --out "$out"
ls -l "$out"
