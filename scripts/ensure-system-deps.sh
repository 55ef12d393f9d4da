#!/usr/bin/env bash
# Installs the Debian packages the test suite needs (Mesa for WebGPU-on-CPU, Chromium for the browser
# test, libtorch for the native backend, redis-server for the queue tests): each package that needs some keeps its own
# scripts/install-deps.sh, and this runs them all. Idempotent; fast when everything is present.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
for script in "$root"/packages/*/scripts/install-deps.sh; do
  [ -f "$script" ] || continue
  bash "$script"
done
