#!/usr/bin/env bash
# install-deps.sh — the Debian package behind @tl/datasets' GCIDE adapter (dict-gcide: Webster's 1913
# and later additions as a dictd database, /usr/share/dictd/gcide.dict.dz). Called by
# scripts/ensure-system-deps.sh before the tests; needs root for apt. Fast when it is present.
set -euo pipefail
if [ -f /usr/share/dictd/gcide.dict.dz ]; then
  echo "install-deps: dict-gcide found"
  exit 0
fi
echo "install-deps: installing Debian dict-gcide"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq dict-gcide >/dev/null
