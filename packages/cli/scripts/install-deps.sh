#!/usr/bin/env bash
# Installs what @tl/cli's tests need on a Debian machine (idempotent):
#  - redis-server (Debian's 7.0), which the `tl transfer --queue` / `tl worker` tests start themselves
#    on 127.0.0.1 on a free port with a temporary folder, and stop. Nothing here starts a service.
# Run by scripts/ensure-system-deps.sh (so by `pnpm test`); skips when everything is present.
set -euo pipefail

packages=(redis-server)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "cli deps: all present (${packages[*]})"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

echo "cli deps: installing ${missing[*]}"
# Another install (a parallel job, unattended upgrades) may hold dpkg's lock: wait for it instead of failing.
$SUDO apt-get -o DPkg::Lock::Timeout=900 update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends "${missing[@]}"
