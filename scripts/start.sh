#!/usr/bin/env bash
# Quick start (README): install when needed, build, and open the console on the embedded database.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npx electron-vite build --logLevel warn

# Electron fetches its binary on first use; do it here so a failure reads as one clear message.
electron_binary="node_modules/electron/dist/$(cat node_modules/electron/path.txt 2>/dev/null || echo missing)"
if [ ! -x "$electron_binary" ] && ! node node_modules/electron/install.js >/dev/null 2>&1; then
  echo "limena: the Electron binary could not be downloaded; check your internet connection and run npm start again," >&2
  echo "        or run the backend without a window: npx limena serve" >&2
  exit 1
fi
exec npx electron .
