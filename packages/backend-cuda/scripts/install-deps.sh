#!/usr/bin/env bash
# install-deps.sh — makes sure a libtorch is there to build the addon against (called from .ci/run).
# Uses what scripts/find-libtorch.mjs finds ($LIBTORCH, a Python torch install, Debian libtorch-dev);
# when none is found, installs Debian's libtorch-dev (1.13, CPU) with apt. Needs root for apt.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if node "$here/find-libtorch.mjs" >/dev/null 2>&1; then
  echo "install-deps: libtorch found: $(node "$here/find-libtorch.mjs" --field source)"
  exit 0
fi
echo "install-deps: no libtorch found; installing Debian libtorch-dev"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq libtorch-dev g++ make python3 >/dev/null
echo "install-deps: libtorch found: $(node "$here/find-libtorch.mjs" --field source)"
