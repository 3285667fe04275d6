#!/usr/bin/env bash
# One command from a fresh clone to a running Courier: installs npm packages when needed, then
# starts the desktop app when an Electron binary and a display exist, or the web host otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."

# npm's output goes to a log: a failed Electron download or an engine warning is said in one
# line here, with the log's path for the details, instead of npm's whole stack trace.
install() {
  local log="$1"; shift
  "$@" npm ci --no-audit --no-fund >"$log" 2>&1
}
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "Installing packages…"
  log="$(mktemp -t courier-npm-XXXXXX.log)"
  if ! install "$log" env; then
    if grep -qiE 'electron' "$log" && grep -qiE 'postinstall|install\.js|download|ETIMEDOUT|ENOTFOUND|ECONNRESET|EAI_AGAIN|403|404' "$log"; then
      echo "The Electron binary could not be downloaded; installing without it (the web host works without it; details: $log)."
      install "$log" env ELECTRON_SKIP_BINARY_DOWNLOAD=1 || { echo "npm ci failed; see $log" >&2; exit 1; }
    else
      echo "npm ci failed; see $log" >&2
      tail -n 5 "$log" >&2
      exit 1
    fi
  fi
  if grep -q EBADENGINE "$log"; then
    echo "Note: npm warned EBADENGINE: electron-builder's packaging tools want Node 22.12+. Running Courier and its tests needs Node 20.19+; only packaging the desktop app (electron-builder) needs 22.12+."
  fi
fi
if node -e "require('electron')" >/dev/null 2>&1 && { [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ] || [ "$(uname)" = Darwin ]; }; then
  exec npm start
fi
echo "No Electron binary or display here: starting Courier in your browser instead."
exec npm run web -- "$@"
