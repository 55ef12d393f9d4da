#!/usr/bin/env bash
# Installs what @tl/backend-webgpu's tests need on a Debian machine without a GPU (idempotent):
#  - Mesa's software OpenGL (llvmpipe) + EGL, so Dawn's OpenGL backend finds an adapter headless
#    (run tests with EGL_PLATFORM=surfaceless; the backend asks Dawn for backend=opengl).
#  - Debian's chromium, which the browser example's test drives through playwright-core
#    (headless Chromium offers a SwiftShader WebGPU adapter with --enable-unsafe-webgpu).
# Called by the repository's .ci/run; safe to run again (skips when everything is present).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
bash "$root/scripts/apt-install-missing.sh" backend-webgpu libegl1 libgles2 libgl1-mesa-dri libegl-mesa0 chromium
