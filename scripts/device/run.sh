#!/usr/bin/env bash
# Device side (run by the device tool from the repository root, after scripts/device/prepare.sh):
# both backends' device checks in one go, within one call's limit. Each check writes its full log and
# JSON; only the summaries are copied to $OUT, which the tool brings back.
#   Knobs: WEBGPU_BUDGET_S (180), CUDA_STEPS (10), SKIP_WEBGPU=1, SKIP_CUDA=1.
set -uo pipefail
cd "$(dirname "$0")/../.."
OUT="${OUT:-$PWD/device-out}"
mkdir -p "$OUT"
xz -dc .device-carry/node.xz > /tmp/node && chmod +x /tmp/node
export NODE=/tmp/node
# Vulkan loader and GL dispatch libraries for Dawn (the machine has the driver, not the loaders).
for f in .gl/*.deb; do dpkg -x "$f" /; done
ldconfig
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee "$OUT/gpu.txt"
if [ -z "${SKIP_CUDA:-}" ]; then
  OUT=/tmp/cuda-out STEPS="${CUDA_STEPS:-10}" bash packages/backend-cuda/scripts/device-check.sh
  echo "cuda device check: exit $?"
  cp /tmp/cuda-out/summary.json "$OUT/cuda-summary.json" 2>/dev/null
  cp /tmp/cuda-out/device-check.json "$OUT/cuda-device-check.json" 2>/dev/null
  tail -c 20000 /tmp/cuda-out/device-check.log > "$OUT/cuda-console.log" 2>/dev/null
fi
if [ -z "${SKIP_WEBGPU:-}" ]; then
  OUT=/tmp/wg-out BUDGET_S="${WEBGPU_BUDGET_S:-180}" bash packages/backend-webgpu/scripts/device-check.sh
  echo "webgpu device check: exit $?"
  cp /tmp/wg-out/webgpu-device.json "$OUT/webgpu-device.json" 2>/dev/null
  tail -c 20000 /tmp/wg-out/device-check.log > "$OUT/webgpu-console.log" 2>/dev/null
fi
ls -la "$OUT"
