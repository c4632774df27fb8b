#!/usr/bin/env bash
# Install everything the test suite needs on a fresh Debian machine: Debian packages (ClickHouse server,
# Neovim, Chromium for the browser tests), the Python package with its test extras, and the npm packages of
# the VS Code extension and its end-to-end harness. Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

# --- Debian packages -----------------------------------------------------------------------------------------
apt_packages=(clickhouse-server clickhouse-client neovim chromium ripgrep libkrb5-dev)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# --- Python --------------------------------------------------------------------------------------------------
python3 -m pip install -q --disable-pip-version-check -e '.[test,bench]'

# --- npm (VS Code extension and its end-to-end harness) -------------------------------------------------------
if [ -x vscode-extension/install-deps.sh ]; then
  vscode-extension/install-deps.sh
fi
