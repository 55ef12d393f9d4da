#!/usr/bin/env bash
# WebGPU device check for an NVIDIA machine (Dawn's Vulkan backend). Runs from the repository root:
#
#   bash packages/backend-webgpu/scripts/device-check.sh
#
# It expects:
#   - packages/backend-webgpu/.device/, made here beforehand by
#       node packages/backend-webgpu/scripts/build-device-bundle.mjs
#     (carry it: ~11 MiB — bundle, xz-compressed dawn.node, libvulkan1 deb, bert-cls fixture);
#   - a Node ≥ 20 binary: $NODE, else `node` on PATH, else node.xz / node-*.tar.xz found under $NODE_XZ
#     (default: the repository root), unpacked into a temporary folder;
#   - the NVIDIA driver's Vulkan ICD (nvidia_icd.json, or libGLX_nvidia.so.0 from which one is written);
#   - libvulkan.so.1, else the bundled Debian libvulkan1 deb is unpacked (dpkg-deb, or ar + tar).
# Writes $OUT/webgpu-device.json and $OUT/device-check.log. Budget: ~200 s of checks (override with
# BUDGET_S); the run is killed at BUDGET_S + 40 s.
# Knobs: DAWN_BACKEND (vulkan), SIZES (tiny,mini,base: the BERT-shaped stand-in step), TRAINER_SIZES
# (base: the same through @tl/core's buildModel + Trainer; empty to skip), BATCH (32), SEQ (128),
# SUBMIT_BATCH (tfjs's WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE, dispatches per queue submit; tfjs: 15),
# BASELINE=1 (also time the largest stand-in step without tl's speed-ups: before/after in one run).
set -uo pipefail

ROOT="$(cd "$(dirname "$0")/../../.." && pwd)"
BUNDLE="$ROOT/packages/backend-webgpu/.device"
OUT="${OUT:-$ROOT/device-out}"
BUDGET_S="${BUDGET_S:-200}"
WORK="$(mktemp -d)"
mkdir -p "$OUT"
exec > >(tee "$OUT/device-check.log") 2>&1

[ -f "$BUNDLE/device-check.mjs" ] || { echo "missing $BUNDLE: run build-device-bundle.mjs first and carry it"; exit 2; }

# --- Node -------------------------------------------------------------------------------------
NODE="${NODE:-$(command -v node || true)}"
if [ -z "$NODE" ]; then
  xzfile="$(find "${NODE_XZ:-$ROOT}" -maxdepth 2 \( -name 'node.xz' -o -name 'node-*.tar.xz' \) 2>/dev/null | head -1)"
  [ -n "$xzfile" ] || { echo "no node: set NODE or carry node.xz"; exit 2; }
  case "$xzfile" in
    *.tar.xz) tar -xJf "$xzfile" -C "$WORK" && NODE="$(find "$WORK" -path '*/bin/node' | head -1)" ;;
    *) xz -dc "$xzfile" > "$WORK/node" && chmod +x "$WORK/node" && NODE="$WORK/node" ;;
  esac
fi
echo "node: $NODE $("$NODE" --version)"

# --- dawn.node --------------------------------------------------------------------------------
DAWN="$BUNDLE/node_modules/webgpu/dist/linux-x64/dawn.node"
if [ ! -f "$DAWN" ]; then
  if command -v xz >/dev/null; then xz -dk "$DAWN.xz"
  else python3 -c "import lzma,sys; open(sys.argv[2],'wb').write(lzma.open(sys.argv[1]).read())" "$DAWN.xz" "$DAWN"; fi
fi

# --- Vulkan loader ----------------------------------------------------------------------------
if ! ldconfig -p 2>/dev/null | grep -q 'libvulkan.so.1 '; then
  deb="$(ls "$BUNDLE"/libvulkan1_*.deb 2>/dev/null | head -1)"
  [ -n "$deb" ] || { echo "no libvulkan.so.1 and no bundled deb"; exit 2; }
  mkdir -p "$WORK/vulkan"
  if command -v dpkg-deb >/dev/null; then dpkg-deb -x "$deb" "$WORK/vulkan"
  else (cd "$WORK/vulkan" && ar x "$deb" && tar -xf data.tar.* ); fi
  export LD_LIBRARY_PATH="$(dirname "$(find "$WORK/vulkan" -name 'libvulkan.so.1' | head -1)"):${LD_LIBRARY_PATH:-}"
  echo "libvulkan.so.1: unpacked from $(basename "$deb")"
else
  echo "libvulkan.so.1: system"
fi

# --- NVIDIA ICD -------------------------------------------------------------------------------
icd="$(ls /usr/share/vulkan/icd.d/nvidia_icd*.json /etc/vulkan/icd.d/nvidia_icd*.json /usr/local/share/vulkan/icd.d/nvidia_icd*.json 2>/dev/null | head -1)"
if [ -z "${VK_ICD_FILENAMES:-}" ] && [ -z "$icd" ]; then
  glx="$(ldconfig -p 2>/dev/null | awk '/libGLX_nvidia.so.0 /{print $NF; exit}')"
  [ -n "$glx" ] || glx="$(ls /usr/lib/x86_64-linux-gnu/libGLX_nvidia.so.0 /usr/lib64/libGLX_nvidia.so.0 2>/dev/null | head -1)"
  if [ -n "$glx" ]; then
    printf '{"file_format_version":"1.0.0","ICD":{"library_path":"%s","api_version":"1.3.0"}}\n' "$glx" > "$WORK/nvidia_icd.json"
    export VK_ICD_FILENAMES="$WORK/nvidia_icd.json"
    echo "vulkan ICD: wrote one for $glx"
  else
    echo "vulkan ICD: none found (no nvidia_icd.json, no libGLX_nvidia.so.0): Dawn will find no Vulkan adapter"
  fi
else
  echo "vulkan ICD: ${VK_ICD_FILENAMES:-$icd}"
fi
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null || true

# --- run --------------------------------------------------------------------------------------
timeout "$((BUDGET_S + 40))" "$NODE" "$BUNDLE/device-check.mjs" \
  --out "$OUT" --dawn-backend "${DAWN_BACKEND:-vulkan}" --fixture "$BUNDLE/fixture" --budget-s "$BUDGET_S" \
  --sizes "${SIZES:-tiny,mini,base}" --trainer-sizes "${TRAINER_SIZES-base}" --batch "${BATCH:-32}" --seq "${SEQ:-128}" \
  ${SUBMIT_BATCH:+--submit-batch "$SUBMIT_BATCH"} ${BASELINE:+--baseline}
rc=$?
rm -rf "$WORK"
echo "device-check exit $rc"
exit $rc
