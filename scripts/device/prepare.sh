#!/usr/bin/env bash
# Host side of a GPU device check (the device machine has no Node and no network): builds what to
# carry there. Then, with the device tool:
#   command  bash scripts/device/run.sh
#   carry    [".device-carry", "packages/backend-webgpu/.device", "packages/backend-cuda/.device", ".gl"]
#   timeout  540 s (both checks; ~130 s wall when warm, plus the cuda addon build)
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p .device-carry .gl
# A self-contained Node binary (xz of this machine's; takes a few minutes on 2 cores).
[ -s .device-carry/node.xz ] || xz -T0 -c "$(command -v node)" > .device-carry/node.xz
pnpm run build
node packages/backend-webgpu/scripts/build-device-bundle.mjs
pnpm --filter @tl/backend-cuda run bundle:device
# GL/Vulkan loader libraries the NVIDIA driver's Vulkan ICD needs (libGLX_nvidia wants libglvnd).
(cd .gl && apt-get download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2)
du -sh .device-carry packages/backend-webgpu/.device packages/backend-cuda/.device .gl
