#!/usr/bin/env bash
# Finds or installs promtool (Prometheus's rule checker) and prints its path.
#
# promtool comes from Debian's `prometheus` package. The package is not installed: its maintainer
# scripts add a system user and, where an init system runs, start a Prometheus server. Instead apt
# downloads the .deb (updating its lists once when the package is not found) and promtool alone is
# unpacked into the ignored .temporal/promtool/. A second run installs nothing.
#
# PROMTOOL_PATH, when set, names the binary to use; a promtool on the PATH comes next.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dir="$root/.temporal/promtool"
bin="$dir/promtool"

if [ -n "${PROMTOOL_PATH:-}" ]; then
  if [ ! -x "$PROMTOOL_PATH" ]; then
    echo "PROMTOOL_PATH=$PROMTOOL_PATH is not an executable file" >&2
    exit 1
  fi
  echo "$PROMTOOL_PATH"
  exit 0
fi
if command -v promtool >/dev/null; then
  command -v promtool
  exit 0
fi
if [ -x "$bin" ]; then
  echo "$bin"
  exit 0
fi

if ! command -v apt-get >/dev/null; then
  echo "promtool is missing and there is no apt-get: install Prometheus's promtool, or set PROMTOOL_PATH" >&2
  exit 1
fi
echo "installing promtool from Debian's prometheus package into $dir" >&2
tmp=$(mktemp -d)
chmod 755 "$tmp" # apt downloads as its own _apt user
trap 'rm -rf "$tmp"' EXIT
download() { (cd "$tmp" && apt-get download -q prometheus) >&2; }
download || { apt-get update -q >&2 && download; }
dpkg-deb -x "$tmp"/prometheus_*.deb "$tmp/unpacked"
mkdir -p "$dir"
cp "$tmp/unpacked/usr/bin/promtool" "$bin"
if ! "$bin" --version >/dev/null 2>&1; then
  echo "promtool install failed: '$bin --version' does not run" >&2
  exit 1
fi
echo "$bin"
