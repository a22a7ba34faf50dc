#!/usr/bin/env bash
# Rebuilds the bundled YOLACT model (models/yolact/) from nothing, with fixed seeds, on the same data as the default
# Mask R-CNN (training/make-default-model.sh):
#   shapes dataset → cloudseg train --arch yolact (ImageNet backbone) → cloudseg export → cloudseg segment on the
#   held-out split → cloudseg eval → a fine-tune of that package → the same scoring → export again with the measured
#   metrics into models/yolact/.
# Usage, from anywhere:   training/make-yolact-model.sh
# Work files (dataset, checkpoints, metrics.jsonl, validation results) go to $WORK (default /tmp/cloudseg-yolact-model).
# Stages skip and resume as training/bundled-model.sh says.
# Figures of the committed model: docs/benchmarks.md, section "YOLACT vs Mask R-CNN".
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bundled-model.sh"
work="${WORK:-/tmp/cloudseg-yolact-model}"
out="${OUT:-$root/models/yolact}"

# 1. Data: the default model's.
make_shapes "$work"

# 2. Train the small YOLACT (YolactOptions.Small: 64-channel FPN and heads, 16 prototypes, priors 24–384 px) on the
#    default model's backbone: ML.NET's ImageNet ResNet-18 cut after layer3 (frozen batch norm, layer2–3 trainable;
#    P3, P4 from the FPN over C3, C4, P5 subsampled from P4, P6, P7 by YOLACT's stride-2 convs: the paper's strides
#    8–128), at the pictures' own size: 4000 SGD steps of 4 pictures (5.3 epochs), warm-up 200 steps, cosine decay,
#    2 threads. lr 0.01: from scratch, 0.02 and 0.05 left the prediction head on a constant answer; from ImageNet,
#    0.02 was behind 0.01 at step 200 in a probe (docs/benchmarks.md, "YOLACT from the ImageNet backbone").
train_resumable "$work" --arch yolact --size small --backbone-weights imagenet --trainable-layers 3 --backbone-stages 3 \
  --image-size 128 --steps 4000 --batch-size 4 --lr 0.01 --warmup 200 --schedule cosine --seed 1

# 3. Export, then score the exported ONNX graph the way users run it (segm AP 0.697 when committed).
score_exported_graph "$work"

# 4. Fine-tune the exported package as a scheduled retraining would (weights and options from its graph alone:
#    TrainingRun.FromGraph): 1000 more steps at lr 0.002 (warm-up 50, cosine), another data order (seed 2).
ft="$work/fine-tune"
mkdir -p "$ft" && ln -sfn "$work/shapes" "$ft/shapes"
CHECKPOINT_EVERY=250 train_resumable "$ft" --arch yolact --size small --image-size 128 --fine-tune-from "$work/package" \
  --steps 1000 --batch-size 4 --lr 0.002 --warmup 50 --schedule cosine --seed 2
score_exported_graph "$ft"

# 5. The committed package: the fine-tuned weights, with their exported graph's metrics in the card.
cloudseg export --checkpoint "$ft/run" --out "$out" --name cloudseg-yolact-shapes-resnet18 --version shapes-yolact-r18-v2 \
  --metrics "$ft/val-eval.json" --train-data "$work/shapes/train" --score-threshold 0.5 --mask-threshold 0.5
ls -l "$out"
