#!/usr/bin/env bash
# Makes a fresh clone runnable: npm dependencies (when absent or older than the lock file) and the
# Temporal CLI. Both README commands call it first, so neither needs a set-up step of its own.
# `npm install`, not `npm ci`: the lock file holds only the platform builds of native packages
# (swc, jest's resolver) that the registry serves, and `npm ci` rejects a lock without the others;
# `npm install` installs exactly the locked versions and leaves the lock unchanged.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "installing npm dependencies" >&2
  npm install --no-audit --no-fund >&2
fi
bash scripts/temporal-server.sh >/dev/null
