#!/usr/bin/env bash
# `npm run sandbox`: try the extension in a real VS Code, in your browser, with demo AWS
# profiles and a local STS - nothing touches your ~/.aws or real AWS.
#   npm run sandbox                  prints the URL to open, runs until Ctrl-C
#   npm run sandbox -- --port 9000   a fixed port (default 8420, or any free one if taken)
#   npm run sandbox -- --check       starts everything, proves the extension activated, lists
#                                    the demo profiles and switches to one (headless Chromium),
#                                    exits 0
# On a fresh clone it first installs what is missing (npm ci, code-server, Chromium) and builds.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
prep_name=sandbox
# shellcheck source=scripts/prepare.sh
. scripts/prepare.sh

prep_check_node
prep_npm_deps
prep_test_tools
prep_check_moto
prep_build
# The sandbox driver is TypeScript (typechecked with the tests); bundling it alone with esbuild
# takes milliseconds and does not depend on the rest of test/ compiling.
node_modules/.bin/esbuild test/runSandbox.ts --bundle --platform=node --target=node20 --format=cjs \
  --external:playwright-core --outfile=out/sandbox/runSandbox.js --log-level=warning
exec node out/sandbox/runSandbox.js "$@"
