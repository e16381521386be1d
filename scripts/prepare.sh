# Shared preparation for scripts/test.sh and scripts/sandbox.sh (sourced, not run).
# Brings a fresh clone to the point where the extension can be built and run in code-server:
# npm dependencies, the test tools (scripts/install-test-tools.sh), moto_server, the build.
# Every function prints what it does and returns non-zero with a clear message on failure.

prep_say() { printf '[%s] %s\n' "${prep_name:-prepare}" "$*"; }

# Node 20+ runs the build, the unit tests and the runners (code-server brings its own Node 24).
prep_check_node() {
  if ! command -v node >/dev/null 2>&1; then
    prep_say "node is not on PATH: install Node.js 20 or newer (https://nodejs.org), then run this again." >&2
    return 1
  fi
  local major
  major=$(node -p 'process.versions.node.split(".")[0]')
  if [ "$major" -lt 20 ]; then
    prep_say "Node $(node --version) is too old: this project needs Node 20 or newer." >&2
    return 1
  fi
}

# `npm ci` when node_modules is missing or older than package-lock.json / package.json.
prep_npm_deps() {
  local marker=node_modules/.package-lock.json
  if [ ! -f "$marker" ] || [ package-lock.json -nt "$marker" ] || [ package.json -nt "$marker" ]; then
    prep_say "installing npm dependencies (npm ci)"
    npm ci --no-audit --no-fund || { prep_say "npm ci failed (see above): check network access to the npm registry." >&2; return 1; }
  fi
}

# code-server, its Node 24, Chromium, Kerberos headers, AWS CLI v2: idempotent, fast when present.
prep_test_tools() {
  bash scripts/install-test-tools.sh || { prep_say "installing the test tools failed (see above)." >&2; return 1; }
}

# moto_server is the real STS every suite talks to; it comes from pip, which this script cannot reach.
prep_check_moto() {
  local bin="${MOTO_SERVER:-moto_server}"
  if ! command -v "$bin" >/dev/null 2>&1 || ! "$bin" --help >/dev/null 2>&1; then
    prep_say "moto_server was not found or does not run (tried \"$bin\"). The tests and the sandbox need a real STS: install it with pip install 'moto[server]' (Python 3), or set MOTO_SERVER to its path." >&2
    return 1
  fi
}

# The extension bundle (dist/extension.js + dist/sdk.js).
prep_build() {
  npm run --silent build || { prep_say "the build failed (npm run build, see above)." >&2; return 1; }
  [ -f dist/extension.js ] || { prep_say "npm run build did not produce dist/extension.js." >&2; return 1; }
}
