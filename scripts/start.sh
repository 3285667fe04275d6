#!/usr/bin/env bash
# One command from a fresh clone to a running Courier: installs npm packages when needed, then
# starts the desktop app when an Electron binary and a display exist, or the web host otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "Installing packages…"
  if ! npm ci --no-audit --no-fund; then
    echo "Electron's binary could not be downloaded; installing without it (the web host still works)."
    ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci --no-audit --no-fund
  fi
fi
if node -e "require('electron')" >/dev/null 2>&1 && { [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ] || [ "$(uname)" = Darwin ]; }; then
  exec npm start
fi
echo "No Electron binary or display here: starting Courier in your browser instead."
exec npm run web -- "$@"
