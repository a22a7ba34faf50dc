# Sourced by training/make-default-model.sh and training/make-yolact-model.sh: the stages both bundled models go
# through. Each stage is skipped when its output already exists, and an interrupted training run continues from its
# newest checkpoint, so running a script again finishes the job.
# CLOUDSEG_DLL=path/to/cloudseg.dll runs a prebuilt CLI instead of ./cloudseg (which rebuilds when sources change).
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"   # export records the git commit of the working directory as the card's code version

# Inference settings a script bakes into the graphs it exports (scored and committed alike); empty = as trained.
inference_options=()

cloudseg() {
  if [[ -n "${CLOUDSEG_DLL:-}" ]]; then dotnet "$CLOUDSEG_DLL" "$@"; else "$root/cloudseg" "$@"; fi
}

# Data: 4 classes (circle, square, triangle, star) at 128 px, 1–4 shapes per picture; val is held out (own seeds).
make_shapes() {
  local work="$1"
  if [[ ! -f "$work/shapes/val/annotations.json" ]]; then
    cloudseg shapes --out "$work/shapes" --train 3000 --val 200 --size 128 --seed 1
  fi
}

# cloudseg train on the shapes into $work/run with the given options (seed included), resumed when checkpoints exist
# (every $CHECKPOINT_EVERY steps, default 500).
train_resumable() {
  local work="$1"; shift
  if [[ ! -f "$work/run/model/checkpoint.json" ]]; then
    local resume=()
    [[ -d "$work/run/checkpoints" ]] && resume=(--resume "$work/run")
    cloudseg train --data "$work/shapes/train" --out "$work/run" "$@" --checkpoint-every "${CHECKPOINT_EVERY:-500}" --threads 2 \
      "${resume[@]}"
  fi
}

# Export, then score the exported ONNX graph the way users run it (everything down to score 0.05; extra segment
# options after the work folder) into $work/val-eval.json.
score_exported_graph() {
  local work="$1"; shift
  cloudseg export --checkpoint "$work/run" --out "$work/package" --train-data "$work/shapes/train" "${inference_options[@]}"
  rm -rf "$work/val-results"
  cloudseg segment "$work/shapes/val/images" --model "$work/package" --score-threshold 0.05 --threads 2 \
    --output "$work/val-results" "$@"
  cloudseg eval --gt "$work/shapes/val/annotations.json" --results "$work/val-results" --json "$work/val-eval.json"
}
