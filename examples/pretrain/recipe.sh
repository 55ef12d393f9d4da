#!/usr/bin/env bash
# A BERT masked LM pretrained by `tl pretrain` on WordNet 3.1 glosses (examples/pretrain/write-corpus.ts),
# with a WordPiece vocabulary trained on the same corpus. Deterministic (seed 42; masks a function of
# seed and step); writes an HF folder that `tl finetune --model` loads. By default the bert-small
# recipe (2 layers, 128 wide); the model and its hyperparameters are environment variables, so
# other recipes (examples/demo/pretrain-recipe.sh) are this script with other values.
#
#   bash examples/pretrain/recipe.sh [OUT_DIR] [MAX_STEPS] [extra `tl pretrain` flags...]
#   CONFIG=… MAX_LENGTH=… LR=… WARMUP_RATIO=… bash examples/pretrain/recipe.sh …
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${1:-checkpoints/bert-small-wordnet}"
steps="${2:-2000}"
shift $(( $# < 2 ? $# : 2 ))
corpus="$(mktemp -d)/wordnet-glosses.txt"
pnpm --silent --filter @tl/examples exec tsx pretrain/write-corpus.ts "$corpus"
node packages/cli/dist/bin.js pretrain \
  --config "${CONFIG:-examples/pretrain/bert-small.config.json}" \
  --corpus "$corpus" \
  --output-dir "$out" \
  --max-length "${MAX_LENGTH:-64}" --batch-size 32 --max-steps "$steps" \
  --lr "${LR:-5e-4}" --warmup-ratio "${WARMUP_RATIO:-0.06}" --weight-decay 0.01 --scheduler linear \
  --seed 42 "$@"
