#!/usr/bin/env bash
# `npm run bench [-- --json] [-- --quick] [-- --only activation,config,switch,endpoint]`
# Prepares a fresh clone as scripts/test.sh does (npm ci, code-server + Chromium, moto_server),
# builds what is measured (npm run package: the production bundles and the .vsix), bundles the
# benchmarks (bench/build.mjs), then runs them. Everything but the results goes to stderr, so
# stdout holds only the Markdown tables, or with --json the one JSON object.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
prep_name=bench
# shellcheck source=scripts/prepare.sh
. scripts/prepare.sh

{
  prep_check_node && prep_npm_deps && prep_test_tools && prep_check_moto || exit 1
  prep_say "building the production bundles and the .vsix (npm run package)"
  npm run --silent package || { prep_say "npm run package failed (see above)." ; exit 1; }
  node bench/build.mjs || { prep_say "bundling the benchmarks failed (bench/build.mjs, see above)."; exit 1; }
} >&2

exec node --expose-gc .bench/main.js "$@"
