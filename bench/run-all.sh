#!/usr/bin/env bash
# `pnpm bench`: fine-tuning (Trainer, batch 32, seq 128; bert-tiny and bert-mini shapes), `tl predict`
# inference (bert-mini shape) and a masked-LM pretraining step (tl-bert-en-small and bert-mini shapes),
# each beside its PyTorch CPU anchor run in the same process tree.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
backend="${1:-wasm}"
node "$here/finetune.mjs" --backend "$backend" --shapes tiny,mini
node "$here/predict.mjs" mini 256 --backend "$backend"
node "$here/pretrain.mjs" --backend "$backend" --shapes small,mini
