#!/usr/bin/env bash
# Installs what @tl/backend-webgpu's tests need on a Debian machine without a GPU (idempotent):
#  - Mesa's software OpenGL (llvmpipe) + EGL, so Dawn's OpenGL backend finds an adapter headless
#    (run tests with EGL_PLATFORM=surfaceless; the backend asks Dawn for backend=opengl).
#  - Debian's chromium, which the browser example's test drives through playwright-core
#    (headless Chromium offers a SwiftShader WebGPU adapter with --enable-unsafe-webgpu).
# Called by the repository's .ci/run; safe to run again (skips when everything is present).
set -euo pipefail

packages=(libegl1 libgles2 libgl1-mesa-dri libegl-mesa0 chromium)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "backend-webgpu deps: all present (${packages[*]})"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

echo "backend-webgpu deps: installing ${missing[*]}"
# Another install (a parallel job, unattended upgrades) may hold dpkg's lock: wait for it instead of failing.
$SUDO apt-get -o DPkg::Lock::Timeout=900 update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends "${missing[@]}"
