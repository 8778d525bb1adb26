#!/usr/bin/env bash
# Finds or installs the standard `openstack` command-line client (python-openstackclient) and prints its path.
#
# Installed from PyPI into an ignored virtualenv under .openstack/, as scripts/temporal-server.sh installs
# the Temporal CLI: the client and each dependency pinned in scripts/openstack-client-requirements.txt,
# installed without a resolver run and without byte-compiling (Python compiles on first use), by the
# host's pip into a virtualenv made without one of its own (seeding pip costs more than the rest under
# load). A second run installs nothing. The suite uses it to check that the simulated
# cloud answers the real client (test/openstack/openstack-cli.test.ts); the README's clouds.yaml entry
# points it at `npm start`.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
requirements="$root/scripts/openstack-client-requirements.txt"
version=$(sed -n 's/^python-openstackclient==//p' "$requirements")
venv="$root/.openstack/venv"
bin="$venv/bin/openstack"

# The installed distribution's version, read without importing the (slow to start) client.
installed_version() {
  "$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("python-openstackclient"))' 2>/dev/null
}

if [ ! -x "$bin" ] || [ "$(installed_version)" != "$version" ]; then
  echo "installing python-openstackclient $version into $venv" >&2
  python3 -m venv --without-pip "$venv" >&2
  pip=(python3 -m pip --python "$venv/bin/python")
  if ! "${pip[@]}" --version >/dev/null 2>&1; then
    # A host pip older than 22.3 has no --python: give the virtualenv its own.
    "$venv/bin/python" -m ensurepip --default-pip >&2
    pip=("$venv/bin/python" -m pip)
  fi
  "${pip[@]}" install --quiet --disable-pip-version-check --no-deps --no-compile -r "$requirements" >&2
  if [ "$(installed_version)" != "$version" ] || [ ! -x "$bin" ]; then
    echo "openstack client install failed: $bin is missing or not python-openstackclient $version" >&2
    exit 1
  fi
fi
echo "$bin"
