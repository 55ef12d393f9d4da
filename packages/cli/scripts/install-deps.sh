#!/usr/bin/env bash
# Installs what @tl/cli's tests need on a Debian machine (idempotent):
#  - redis-server (Debian's 7.0), which the `tl transfer --queue` / `tl worker` tests start themselves
#    on 127.0.0.1 on a free port with a temporary folder, and stop. Nothing here starts a service.
# Run by scripts/ensure-system-deps.sh (so by `pnpm test`); skips when everything is present.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
bash "$root/scripts/apt-install-missing.sh" cli redis-server
