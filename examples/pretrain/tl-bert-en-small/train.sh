#!/usr/bin/env bash
# Reproduces tl-bert-en-small, the encoder @tl/models ships: the corpus (write-corpus.mjs), an 8192-token
# WordPiece vocabulary trained on it, and masked-LM pretraining on packed 128-token blocks on the
# torch-cpu backend (build it first: pnpm run build:native). Deterministic: data order, masks and
# dropout are functions of the seed and the step, so `--resume` continues a stopped stage exactly.
#
# Two stages, as the shipped model was made:
#   1. batch 64, lr 1e-3 (linear schedule planned over 2 400 steps), stopped at step 1 200;
#   2. from stage 1's checkpoint-1200: batch 16, lr 5e-4 (100 warmup steps, linear over 6 000),
#      more optimizer steps per token; the shipped model is a checkpoint of this stage.
#
#   bash examples/pretrain/tl-bert-en-small/train.sh [OUT_DIR]
#   then: node examples/pretrain/tl-bert-en-small/ship.mjs OUT_DIR/stage2/checkpoint-N tl-bert-en-small --run OUT_DIR/stage2
set -euo pipefail
cd "$(dirname "$0")/../../.."
out="${1:-.cache/tl-bert-en-small}"
corpus=.cache/corpus
[ -f "$corpus/train.txt" ] || node examples/pretrain/tl-bert-en-small/write-corpus.mjs "$corpus"
# One intra-op thread: on a machine shared with other work, libtorch's spinning thread pool loses
# more to waiting than it gains (measured: 4x slower wall-clock on a loaded 2-core machine).
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
common=(--corpus "$corpus/train.txt" --eval "$corpus/heldout.txt" --pack --max-length 128 --weight-decay 0.01 --scheduler linear
  --eval-strategy steps --backend torch-cpu)
resume() { ls -d "$1"/checkpoint-* >/dev/null 2>&1 && echo --resume; true; }

if [ ! -d "$out/checkpoint-1200" ]; then
  node packages/cli/dist/bin.js pretrain --config examples/pretrain/tl-bert-en-small/tl-bert-en-small.config.json "${common[@]}" \
    --output-dir "$out" --batch-size 64 --max-steps 2400 --lr 1e-3 --warmup-ratio 0.06 --seed 42 \
    --eval-steps 200 --save-steps 200 $(resume "$out") &
  pid=$!
  # Stage 1 ends at its step-1200 checkpoint (the run's schedule still spans 2 400 steps).
  until [ -f "$out/checkpoint-1200/trainer_state.json" ] || ! kill -0 "$pid" 2>/dev/null; do sleep 10; done
  kill "$pid" 2>/dev/null || true
fi
node packages/cli/dist/bin.js pretrain --model "$out/checkpoint-1200" "${common[@]}" \
  --output-dir "$out/stage2" --batch-size 16 --max-steps 6000 --lr 5e-4 --warmup-steps 100 --seed 44 \
  --eval-steps 300 --save-steps 600 --eval-batch-size 64 $(resume "$out/stage2")
