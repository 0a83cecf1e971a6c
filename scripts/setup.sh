#!/usr/bin/env bash
# Prepares a fresh machine for stowage's tests and demo: pnpm (pinned), redis-server, rclone, dependencies,
# and the other Node lines the tests run on (scripts/runtimes.mjs: pinned Node binaries from the npm
# registry in .runtimes/, and better-sqlite3 built for each line; the first run compiles it, ~2 min a line).
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=$(node -p "require('./package.json').packageManager.split('@')[1]")
if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  # corepack cannot verify registry signatures on some machines; npm can install pnpm anywhere.
  npm install --global --no-fund --no-audit "pnpm@$PNPM_VERSION" >/dev/null
fi

if ! command -v redis-server >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq redis-server >/dev/null
  else
    echo "stowage: redis-server is not installed; install it (e.g. 'apt-get install redis-server' or 'brew install redis')" >&2
    exit 1
  fi
fi

# The filter tests compare stowage with the real rclone (Debian's rclone 1.60).
if ! command -v rclone >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq rclone >/dev/null
  else
    echo "stowage: rclone is not installed; install rclone 1.60 (e.g. 'apt-get install rclone')" >&2
    exit 1
  fi
fi

pnpm install --frozen-lockfile --prefer-offline

node scripts/runtimes.mjs install
