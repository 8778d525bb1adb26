#!/usr/bin/env bash
# Runs jest on another Node.js release line (22 or 24; scripts/node-runtime.sh installs it from PyPI), over
# the node_modules the machine's Node installed. With no jest arguments it runs the short variant CI uses:
# the pure suites, the GitHub client and simulator, the webhook intake, the committed histories, an
# end-to-end flavor, and the real worker as its own process (the embedded demo, secret files), which
# loads the octokit ES modules by Node's own require(esm). Anything after the major goes to jest instead.
#   bash scripts/test-on-node.sh 24
#   bash scripts/test-on-node.sh 22 test/github --json --outputFile=out.json
set -euo pipefail
major=${1:?usage: test-on-node.sh <major: 22 or 24> [jest arguments...]}
shift
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/ensure-installed.sh
bin=$(bash scripts/node-runtime.sh "$major")
short=(policy test/contracts test/lint test/histories test/github test/intake test/e2e/flavor-e2e.test.ts
  test/worker/secret-files.test.ts test/embedded/main.test.ts)
has_paths=false
for arg in "$@"; do [[ "$arg" != -* ]] && has_paths=true; done
if ! $has_paths; then set -- "${short[@]}" "$@"; fi
# The PATH puts this Node first for every process the tests start (workers, the CLI, simulators).
PATH="$bin:$PATH" exec node node_modules/jest/bin/jest.js --runInBand "$@"
