#!/usr/bin/env bash
# apt-install-missing.sh WHO PACKAGE...: installs those of the Debian packages that are not installed
# yet (idempotent; quick when all are present). WHO names the caller in its messages. Called by the
# packages' scripts/install-deps.sh, so one place knows how to wait for dpkg's lock and run apt.
set -euo pipefail
who="$1"
shift
packages=("$@")

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "$who deps: all present (${packages[*]})"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

echo "$who deps: installing ${missing[*]}"
# Another install (a parallel job, unattended upgrades) may hold dpkg's lock: wait for it instead of failing.
$SUDO apt-get -o DPkg::Lock::Timeout=900 update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends "${missing[@]}"
