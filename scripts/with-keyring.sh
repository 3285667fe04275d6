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
cleanup() { if [ -n "$made_runtime_dir" ]; then rm -rf "$XDG_RUNTIME_DIR"; fi; }
trap cleanup EXIT
# Not exec'd (the runtime folder is removed afterwards): the command runs in a process group of
# its own, and TERM/INT reach all of it (dbus-run-session itself does not pass signals on).
setsid dbus-run-session -- bash -c 'echo -n ci-keyring | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec "$@"' bash "$@" &
child=$!
trap 'kill -TERM -- "-$child" 2>/dev/null || true' TERM INT HUP
status=0
while :; do
  wait "$child" && status=0 || status=$?
  kill -0 "$child" 2>/dev/null || break # still running: wait was cut short by a signal
done
exit "$status"
