#!/usr/bin/env bash
# Reproduces tl-bert-en-small, the encoder @tl/models ships: the corpus (write-corpus.mjs), an 8192-token
# WordPiece vocabulary trained on it, and masked-LM pretraining with packed 128-token blocks on the
# torch-cpu backend (build it first: pnpm run build:native). Deterministic: data order, masks and
# dropout are functions of the seed and the step, so `--resume` continues a stopped run exactly.
#
#   bash examples/pretrain/tl-bert-en-small/train.sh [OUT_DIR] [MAX_STEPS]    (then: node examples/pretrain/tl-bert-en-small/ship.mjs OUT_DIR)
set -euo pipefail
cd "$(dirname "$0")/../../.."
out="${1:-.cache/tl-bert-en-small}"
steps="${2:-2400}"
corpus=.cache/corpus
[ -f "$corpus/train.txt" ] || node examples/pretrain/tl-bert-en-small/write-corpus.mjs "$corpus"
resume=()
ls -d "$out"/checkpoint-* >/dev/null 2>&1 && resume=(--resume)
# One intra-op thread: on a machine shared with other work, libtorch's spinning thread pool loses
# more to waiting than it gains (measured: 4x slower wall-clock on a loaded 2-core machine).
OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}" node packages/cli/dist/bin.js pretrain \
  --config examples/pretrain/tl-bert-en-small/tl-bert-en-small.config.json \
  --corpus "$corpus/train.txt" --eval "$corpus/heldout.txt" --pack \
  --output-dir "$out" --max-length 128 --batch-size 64 --max-steps "$steps" \
  --lr 1e-3 --warmup-ratio 0.06 --weight-decay 0.01 --scheduler linear --seed 42 \
  --eval-strategy steps --eval-steps 200 --save-steps 200 \
  --backend torch-cpu "${resume[@]}"
