#!/usr/bin/env bash
# device-check.sh — build and check @tl/backend-cuda on an NVIDIA GPU machine, next to PyTorch.
#
# What the GPU machine must have:
#   - python3 with a CUDA build of torch (its bundled libtorch is what the addon links), g++, xz;
#   - this repository's working tree (native/*.cc, scripts/ are tracked files);
#   - node: $NODE, or ./node.xz at the repo root (an xz-compressed node binary, unpacked to /tmp), or node on PATH;
#   - packages/backend-cuda/.device/ (git-ignored; carry it): made on the host by
#       pnpm --filter @tl/backend-cuda run bundle:device
#     it holds check.mjs (the checks bundled with tfjs, no node_modules needed) and include/
#     (Node-API + node-addon-api headers).
# How to run (from the repo root; ~1 min build on 16 cores, ~2-3 min checks and benchmarks):
#   OUT=/some/dir bash packages/backend-cuda/scripts/device-check.sh
#   with the device tool: command `bash packages/backend-cuda/scripts/device-check.sh`,
#   carry ["packages/backend-cuda/.device"] (plus node.xz if git-ignored), timeout_s 420.
# Optional env: DEVICE=0, STEPS=10 (bench steps), DROPOUT=0.1 (bench dropout for both sides),
#   PYTHON=python3, JOBS=<parallel compiles>, DRY_RUN_CPU=1 (no GPU: link CPU libtorch, run on torch-cpu).
# Results in $OUT: build.log, device-check.log, device-check.json (kernels, gradients, @tl/core's fused
#   kernels against references and whether tl's PTX kernels loaded, BERT-base fine-tuning through
#   @tl/core's Trainer: fp32 and bf16 with the fused kernels, fp32 without them, kernel calls per step
#   and host CPU ms per step — close to step_ms means the host, not the GPU, sets the pace),
#   torch-reference.json (PyTorch fp32/bf16 on the same GPU), summary.json (both, with ratios).
set -uo pipefail

PKG="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROOT="$(cd "$PKG/../.." && pwd)"
OUT="${OUT:-$PKG/.device/out}"
mkdir -p "$OUT"
exec > >(tee -a "$OUT/device-check.log") 2>&1
say() { echo "[device-check $(date +%H:%M:%S)] $*"; }
die() { say "FAILED: $*"; exit 1; }
START=$(date +%s)

# ---- node ------------------------------------------------------------------------------------------
NODE="${NODE:-}"
if [ -z "$NODE" ] && [ -f "$ROOT/node.xz" ]; then
  xz -dc "$ROOT/node.xz" > /tmp/tl-node && chmod +x /tmp/tl-node && NODE=/tmp/tl-node
fi
[ -z "$NODE" ] && NODE="$(command -v node || true)"
[ -n "$NODE" ] && "$NODE" --version >/dev/null 2>&1 || die "no node: set NODE, put node.xz at the repo root, or install node"
[ -f "$PKG/.device/check.mjs" ] && [ -f "$PKG/.device/include/napi.h" ] || die "missing $PKG/.device (run bundle:device on the host and carry it)"
say "node $("$NODE" --version) at $NODE"

# ---- libtorch from the Python torch package ----------------------------------------------------------
PY="${PYTHON:-python3}"
eval "$("$PY" - <<'PYEOF'
import os, torch
root = os.path.dirname(torch.__file__)
v = torch.__version__.split('+')[0]
major, minor = (int(x) for x in v.split('.')[:2])
print(f'TORCH_ROOT="{root}"')
print(f'TORCH_VERSION="{torch.__version__}"')
print(f'TORCH_ABI={int(torch._C._GLIBCXX_USE_CXX11_ABI)}')
print(f'TORCH_CXXSTD={"c++20" if (major, minor) >= (2, 13) else "c++17"}')
print(f'TORCH_CUDA="{torch.version.cuda}"')
print(f'CUDA_OK={int(torch.cuda.is_available())}')
print(f'GPU_NAME="{torch.cuda.get_device_name(0) if torch.cuda.is_available() else "none"}"')
PYEOF
)" || die "python3 cannot import torch"
say "torch $TORCH_VERSION (CUDA $TORCH_CUDA, ABI $TORCH_ABI, $TORCH_CXXSTD) at $TORCH_ROOT; GPU: $GPU_NAME"
if [ "${DRY_RUN_CPU:-0}" != 1 ] && [ "$CUDA_OK" != 1 ]; then die "torch.cuda.is_available() is false"; fi

# ---- build the addon with plain g++ (no node-gyp on the GPU machine) --------------------------------
BUILD="$OUT/build"
mkdir -p "$BUILD"
CXXFLAGS=(-O2 -fPIC -std="$TORCH_CXXSTD" -fexceptions -frtti -w
  -D_GLIBCXX_USE_CXX11_ABI="$TORCH_ABI" -DNAPI_VERSION=8 -DNAPI_CPP_EXCEPTIONS
  -I"$PKG/.device/include" -I"$TORCH_ROOT/include" -I"$TORCH_ROOT/include/torch/csrc/api/include")
LIBS=(-ltorch -ltorch_cpu -lc10)
[ -f "$TORCH_ROOT/lib/libtorch_cuda.so" ] && LIBS+=(-ltorch_cuda -lc10_cuda)
say "compiling native/*.cc (${JOBS:-$(nproc)} jobs)"
T0=$(date +%s)
: > "$OUT/build.log"
ls "$PKG"/native/*.cc | xargs -P "${JOBS:-$(nproc)}" -I{} sh -c \
  'g++ "$@" -c "{}" -o "'"$BUILD"'/$(basename {} .cc).o" >> "'"$OUT"'/build.log" 2>&1 || { echo "compile failed: {}" >> "'"$OUT"'/build.log"; exit 255; }' \
  _ "${CXXFLAGS[@]}" || { tail -40 "$OUT/build.log"; die "compile (see build.log)"; }
# --no-as-needed keeps libtorch_cuda loaded: its static initialisers register the CUDA kernels.
g++ -shared -o "$BUILD/tl_torch.node" "$BUILD"/*.o -L"$TORCH_ROOT/lib" -Wl,--no-as-needed "${LIBS[@]}" -Wl,--as-needed -ldl \
  -Wl,-rpath,"$TORCH_ROOT/lib" >> "$OUT/build.log" 2>&1 || { tail -40 "$OUT/build.log"; die "link (see build.log)"; }
say "built $BUILD/tl_torch.node in $(( $(date +%s) - T0 ))s"

# ---- tfjs checks and benchmark on the GPU -------------------------------------------------------------
CHECK_ARGS=(--out "$OUT" --device "${DEVICE:-0}" --steps "${STEPS:-10}" --dropout "${DROPOUT:-0.1}")
[ "${DRY_RUN_CPU:-0}" = 1 ] && CHECK_ARGS+=(--cpu)
say "running kernel parity, gradient parity and the tfjs bench"
TL_TORCH_ADDON="$BUILD/tl_torch.node" timeout 300 "$NODE" "$PKG/.device/check.mjs" "${CHECK_ARGS[@]}"
CHECK_RC=$?
[ $CHECK_RC = 0 ] || say "check.mjs exited $CHECK_RC (partial results in device-check.json)"

# ---- PyTorch on the same GPU -------------------------------------------------------------------------
if [ "${DRY_RUN_CPU:-0}" != 1 ]; then
  say "PyTorch reference (BERT-base, batch 32, seq 128, fp32 and bf16 autocast)"
  timeout 120 "$PY" "$PKG/scripts/device-check/torch_reference.py" base "${STEPS:-10}" "${DROPOUT:-0.1}" > "$OUT/torch-reference.json" \
    || say "torch reference failed"
fi

# ---- summary ---------------------------------------------------------------------------------------------
"$PY" - "$OUT" <<'PYEOF'
import json, os, sys
out = sys.argv[1]
def load(name):
    try:
        return json.load(open(os.path.join(out, name)))
    except Exception:
        return None
ours, ref = load('device-check.json') or {}, load('torch-reference.json')
summary = {"differential": {k: v for k, v in (ours.get("differential") or {}).items() if k != "failures"},
           "differential_failures": (ours.get("differential") or {}).get("failures", [])[:20],
           "gradients": ours.get("gradients"), "residency": ours.get("residency"), "tfjs_torch": ours.get("bench"), "pytorch": ref}
if ref and ours.get("bench"):
    for name, run in ours["bench"].items():
        precision = name.split("_")[0]
        if isinstance(run, dict) and precision in ref:
            summary[f"ratio_{name}"] = round(run["samples_per_s"] / ref[precision]["samples_per_s"], 3)
json.dump(summary, open(os.path.join(out, "summary.json"), "w"), indent=2)
print(json.dumps(summary, indent=2))
PYEOF
say "done in $(( $(date +%s) - START ))s; results in $OUT"
exit $CHECK_RC
