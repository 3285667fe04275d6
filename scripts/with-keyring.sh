#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with an unlocked gnome-keyring, so the OS keyring
# (Secret Service) is real on a headless CI machine. Used by .ci/run around `npm test`.
set -euo pipefail
if ! command -v dbus-run-session >/dev/null || ! command -v gnome-keyring-daemon >/dev/null; then
  exec "$@"
fi
made_runtime_dir=""
if [ -z "${XDG_RUNTIME_DIR:-}" ]; then
  XDG_RUNTIME_DIR="$(mktemp -d)"
  made_runtime_dir=1
fi
export XDG_RUNTIME_DIR
chmod 700 "$XDG_RUNTIME_DIR"
status=0
dbus-run-session -- bash -c 'echo -n ci-keyring | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec "$@"' bash "$@" || status=$?
if [ -n "$made_runtime_dir" ]; then rm -rf "$XDG_RUNTIME_DIR"; fi
exit "$status"
