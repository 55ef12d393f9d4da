#!/usr/bin/env bash
# install-deps.sh — makes sure a libtorch is there to build the addon against (called from .ci/run).
# Uses what scripts/find-libtorch.mjs finds ($LIBTORCH, a Python torch install, Debian libtorch-dev);
# when none is found, installs Debian's libtorch-dev (1.13, CPU) with apt. Needs root for apt.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export DEBIAN_FRONTEND=noninteractive
# Debian's libtorch links the reference BLAS (libblas3) unless an optimised one is installed: its
# matrix products ran ~30x slower (a bert-mini MLM step: 35 s instead of 1.2 s). OpenBLAS registers
# itself as the libblas.so.3 alternative.
if ! dpkg -s libopenblas0-pthread >/dev/null 2>&1; then
  echo "install-deps: installing Debian libopenblas0-pthread"
  apt-get update -qq
  apt-get install -y -qq libopenblas0-pthread >/dev/null
fi
if node "$here/find-libtorch.mjs" >/dev/null 2>&1; then
  echo "install-deps: libtorch found: $(node "$here/find-libtorch.mjs" --field source)"
  exit 0
fi
echo "install-deps: no libtorch found; installing Debian libtorch-dev"
apt-get update -qq
apt-get install -y -qq libtorch-dev g++ make python3 >/dev/null
echo "install-deps: libtorch found: $(node "$here/find-libtorch.mjs" --field source)"
