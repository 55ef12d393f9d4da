#!/usr/bin/env bash
# The checkpoint `pnpm demo` starts from (examples/demo/bert-tiny-wordnet): the pretraining recipe
# (examples/pretrain/recipe.sh) with a 2-layer, 64-wide BERT and a 4000-token WordPiece vocabulary
# (examples/demo/bert-tiny.config.json), 600 steps. Deterministic, so this reproduces the shipped weights.
#
#   bash examples/demo/pretrain-recipe.sh [OUT_DIR] [MAX_STEPS]
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${1:-examples/demo/bert-tiny-wordnet}"
CONFIG=examples/demo/bert-tiny.config.json MAX_LENGTH=48 LR=2e-3 WARMUP_RATIO=0.05 \
  bash examples/pretrain/recipe.sh "$out" "${2:-600}" --save-steps 200 --save-total-limit 1
rm -rf "$out"/checkpoint-*
