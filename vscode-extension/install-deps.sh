#!/usr/bin/env bash
# Install what the VS Code extension and its end-to-end test need, offline-friendly and idempotent:
#   1. Debian packages the e2e harness needs (chromium, ripgrep, libkrb5-dev), only those missing;
#   2. the extension's npm packages (`npm ci`) and its .vsix (`npm run package`), rebuilt only when the
#      extension's sources changed;
#   3. the e2e harness's npm packages (code-server, playwright-core) in tests/e2e/vscode/node_modules, with
#      @vscode/ripgrep's download replaced by Debian's rg (its postinstall would fetch a binary from the
#      internet), reinstalled only when that folder's package-lock.json changed.
# A second run only checks stamps. Nothing here downloads a browser or a prebuilt binary.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
harness="$repo/tests/e2e/vscode"

say() { printf 'vscode-extension/install-deps.sh: %s\n' "$*"; }

# --- tools ----------------------------------------------------------------------------------------------------
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  say "node and npm are required (Node 20 or newer)" >&2
  exit 1
fi
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt 20 ]; then
  say "Node $node_major is too old: the extension and code-server need Node 20" >&2
  exit 1
fi

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
missing=()
for p in chromium ripgrep libkrb5-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "apt-get install ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Content stamp of a list of files: a step is redone only when what it was built from changed.
stamp_of() { (cd "$1" && shift && cat "$@" 2>/dev/null | sha256sum | cut -d' ' -f1); }

npm_quiet=(--no-audit --no-fund --loglevel=error)

# --- the extension ----------------------------------------------------------------------------------------------
lock_stamp="$(stamp_of "$here" package.json package-lock.json)"
if [ "$(cat "$here/node_modules/.prodlens-stamp" 2>/dev/null)" != "$lock_stamp" ]; then
  say "npm ci (extension)"
  (cd "$here" && npm ci "${npm_quiet[@]}")
  echo "$lock_stamp" >"$here/node_modules/.prodlens-stamp"
fi

source_files=(package.json package-lock.json tsconfig.json README.md .vscodeignore)
while IFS= read -r f; do source_files+=("$f"); done < <(cd "$here" && find src -name '*.ts' | sort)
vsix_stamp="$(stamp_of "$here" "${source_files[@]}")"
if [ ! -f "$here/prodlens.vsix" ] || [ "$(cat "$here/out/.prodlens-vsix-stamp" 2>/dev/null)" != "$vsix_stamp" ]; then
  say "npm run package (extension → prodlens.vsix)"
  (cd "$here" && npm run --silent package >/dev/null)
  echo "$vsix_stamp" >"$here/out/.prodlens-vsix-stamp"
fi

# --- the e2e harness: code-server + playwright-core ----------------------------------------------------------------
harness_stamp="$(stamp_of "$harness" package.json package-lock.json)"
if [ "$(cat "$harness/node_modules/.prodlens-stamp" 2>/dev/null)" != "$harness_stamp" ]; then
  say "npm ci (e2e harness: code-server, playwright-core; about a minute)"
  # @vscode/ripgrep (inside code-server's VS Code) downloads rg in its postinstall unless the tarball is in
  # its cache under TMPDIR: put Debian's rg there under the name that version asks for.
  seed="$(mktemp -d)"
  trap 'rm -rf "$seed"' EXIT
  mkdir -p "$seed/vscode-ripgrep-cache-1.15.11" "$seed/rg"
  cp "$(command -v rg)" "$seed/rg/rg"
  tar -C "$seed/rg" -czf "$seed/vscode-ripgrep-cache-1.15.11/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" rg
  # unsafe_perm: code-server's postinstall refuses to run as root otherwise; yes: node-pty's postinstall
  # runs `npx node-gyp`, which a `yes=false` npm configuration would cancel.
  (cd "$harness" && TMPDIR="$seed" npm_config_unsafe_perm=true npm_config_yes=true npm ci "${npm_quiet[@]}")
  rg_bin="$harness/node_modules/code-server/lib/vscode/node_modules/@vscode/ripgrep/bin/rg"
  if [ ! -x "$rg_bin" ]; then
    say "code-server installed without ripgrep ($rg_bin missing): its @vscode/ripgrep version changed; update the cache name above" >&2
    exit 1
  fi
  echo "$harness_stamp" >"$harness/node_modules/.prodlens-stamp"
  rm -rf "$seed"
  trap - EXIT
fi

say "ready: $(cd "$here" && ls prodlens.vsix), code-server $(node -p "require('$harness/node_modules/code-server/package.json').version"), playwright-core $(node -p "require('$harness/node_modules/playwright-core/package.json').version")"
