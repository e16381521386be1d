#!/usr/bin/env bash
# `npm test`: everything from a fresh clone to a verdict.
#   prepare  npm ci (if needed), test tools (code-server, Chromium), moto_server check
#   checks   lint (when an eslint config exists), build, compile-tests (= strict typecheck)
#   suites   unit (plain mocha, no Python or moto), conformance (moto, botocore and real AWS
#            clients as peers), integration (real VS Code: code-server + Chromium + moto),
#            vsix (smoke tests against the packaged extension), e2e (hook), sandbox --check
# Ends with one line "N passed, N failed" summing every suite (a failed check counts as one
# failure) and exits non-zero on any failure. Artifacts of failed integration runs: artifacts/.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
prep_name=test
# shellcheck source=scripts/prepare.sh
. scripts/prepare.sh

started=$(date +%s)
total_passed=0
total_failed=0
report=()

# Prerequisites: without them nothing can run, so stop at the first failure.
gate() {
  "$@" || {
    prep_say "cannot continue: $*" >&2
    echo "0 passed, 1 failed"
    exit 1
  }
}

# A check (lint, typecheck) that fails counts as one failure; later steps still run.
check() {
  local name=$1
  shift
  local t0=$SECONDS
  prep_say "== $name: $*"
  if "$@"; then
    report+=("$name: ok ($((SECONDS - t0)) s)")
  else
    report+=("$name: FAILED ($((SECONDS - t0)) s)")
    total_failed=$((total_failed + 1))
  fi
}

# A test suite: its output is shown and its counts are read from the last summary it prints,
# either our runners' "<name>: N passed, N failed" or mocha's "N passing" / "N failing".
# Usage: suite <name> <command...>; the runner's line must use the same <name>.
suite() {
  local name=$1
  shift
  local t0=$SECONDS out status passed failed line
  out=$(mktemp)
  prep_say "== $name: $*"
  "$@" 2>&1 | tee "$out"
  status=${PIPESTATUS[0]}
  line=$(grep -E "^$name: [0-9]+ passed, [0-9]+ failed$" "$out" | tail -1)
  if [ -n "$line" ]; then
    passed=$(sed -E 's/.*: ([0-9]+) passed.*/\1/' <<<"$line")
    failed=$(sed -E 's/.* ([0-9]+) failed$/\1/' <<<"$line")
  else
    passed=$(grep -E '^ *[0-9]+ passing' "$out" | tail -1 | grep -oE '[0-9]+' | head -1)
    failed=$(grep -E '^ *[0-9]+ failing' "$out" | tail -1 | grep -oE '[0-9]+' | head -1)
  fi
  passed=${passed:-0}
  failed=${failed:-0}
  # A suite that exits non-zero without reporting a failure (crash, load error) is one failure.
  if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
  rm -f "$out"
  total_passed=$((total_passed + passed))
  total_failed=$((total_failed + failed))
  report+=("$name: $passed passed, $failed failed ($((SECONDS - t0)) s)")
}

# --- prepare --------------------------------------------------------------------------------
gate prep_check_node
gate prep_npm_deps
gate prep_test_tools
gate prep_check_moto

# --- checks ---------------------------------------------------------------------------------
if ls eslint.config.* >/dev/null 2>&1; then
  check lint npm run --silent lint
else
  prep_say "== lint: not run - there is no eslint.config.* in the repository yet"
  report+=("lint: not configured (no eslint.config.*)")
fi
gate prep_build
# compile-tests is tsc over src/ and test/ with the strict tsconfig: it is the typecheck too
# (a second `tsc --noEmit` pass would only repeat it). It still emits on type errors.
check typecheck npm run --silent compile-tests

# --- suites ---------------------------------------------------------------------------------
suite unit npx mocha --config .mocharc.unit.json --no-color
suite conformance npx mocha --config .mocharc.conformance.json --no-color
suite integration node out/test/runIntegration.js

# --- the packaged extension -----------------------------------------------------------------
# What users install is the .vsix (production bundle, .vscodeignore allow-list), not this
# checkout: package it, install it into a fresh code-server and run the smoke tests against it
# (they reach the STS, so the lazily loaded dist/sdk.js must be in the package). The e2e
# runner then finds this .vsix up to date and uses it as is.
vsix=dist-vsix/aws-identity-switcher.vsix
rm -f "$vsix" # never test a stale package when packaging fails
check package npm run --silent package
if [ -f "$vsix" ]; then
  suite vsix node out/test/runIntegration.js --vsix "$vsix" --grep '^smoke:' --label vsix
fi

# --- e2e: HOOK ------------------------------------------------------------------------------
# End-to-end tests (test/e2e: driving the workbench UI like a person) plug in here. Their
# runner must print a last line "e2e: N passed, N failed" and exit non-zero on failure.
# (test/runE2e.ts exists: it tests the packaged .vsix built just above.)
if [ -f out/test/runE2e.js ]; then
  suite e2e node out/test/runE2e.js
fi

# `npm run package` left a production bundle in dist/: put back the development build
# (source maps) that the sandbox and the other commands expect.
check dev-build prep_build

# --- the README quick start -----------------------------------------------------------------
# `npm run sandbox` must really work: start it headless, see the extension activate, list the
# demo profiles and switch to one against the local STS (scripts/sandbox.sh --check).
check sandbox bash scripts/sandbox.sh --check

# --- summary --------------------------------------------------------------------------------
echo
prep_say "summary ($(($(date +%s) - started)) s):"
for line in "${report[@]}"; do prep_say "  $line"; done
echo "$total_passed passed, $total_failed failed"
[ "$total_failed" -eq 0 ]
