#!/usr/bin/env bash
# The checkpoint `pnpm demo` starts from (examples/demo/bert-tiny-wordnet): a 2-layer, 64-wide BERT
# masked LM with a 4000-token WordPiece vocabulary, both trained by `tl pretrain` on the WordNet 3.1
# glosses of the train-split synsets (examples/pretrain/write-corpus.ts). Deterministic (seed 42;
# masks a function of seed and step), so this reproduces the shipped weights.
#
#   bash examples/demo/pretrain-recipe.sh [OUT_DIR] [MAX_STEPS]
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${1:-examples/demo/bert-tiny-wordnet}"
steps="${2:-600}"
corpus="$(mktemp -d)/wordnet-glosses.txt"
pnpm --silent --filter @tl/examples exec tsx pretrain/write-corpus.ts "$corpus"
node packages/cli/dist/bin.js pretrain \
  --config examples/demo/bert-tiny.config.json \
  --corpus "$corpus" \
  --output-dir "$out" \
  --max-length 48 --batch-size 32 --max-steps "$steps" \
  --lr 2e-3 --warmup-ratio 0.05 --weight-decay 0.01 --scheduler linear \
  --save-steps 200 --save-total-limit 1 \
  --seed 42
rm -rf "$out"/checkpoint-*
