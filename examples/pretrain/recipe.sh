#!/usr/bin/env bash
# The bert-small recipe: a 2-layer, 128-wide BERT masked LM pretrained on WordNet glosses with a
# WordPiece vocabulary trained on the same corpus. Deterministic (fixed seed, masks a function of
# (seed, step)); writes an HF folder that `tl finetune --model` loads.
#
#   bash examples/pretrain/recipe.sh [OUT_DIR] [MAX_STEPS]
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${1:-checkpoints/bert-small-wordnet}"
steps="${2:-2000}"
corpus="$(mktemp -d)/wordnet-glosses.txt"
pnpm --silent --filter @tl/examples exec tsx pretrain/write-corpus.ts "$corpus"
node packages/cli/dist/bin.js pretrain \
  --config examples/pretrain/bert-small.config.json \
  --corpus "$corpus" \
  --output-dir "$out" \
  --max-length 64 --batch-size 32 --max-steps "$steps" \
  --lr 5e-4 --warmup-ratio 0.06 --weight-decay 0.01 --scheduler linear \
  --seed 42
