#!/usr/bin/env bash
# Starts an unlocked gnome-keyring Secret Service in the current D-Bus session (run it under
# dbus-run-session), then runs $LA_TEST_COMMAND. The password is generated per run.
set -euo pipefail
# A fresh keyring directory per run: a login.keyring left by an earlier run has another password
# and would stay locked.
XDG_DATA_HOME=$(mktemp -d); export XDG_DATA_HOME
trap 'rm -rf "$XDG_DATA_HOME"' EXIT
pw=$(node -e 'process.stdout.write(require("crypto").randomBytes(12).toString("hex"))')
if command -v gnome-keyring-daemon >/dev/null 2>&1; then
  eval "$(printf %s "$pw" | gnome-keyring-daemon --unlock --components=secrets | sed 's/^/export /')"
  export LA_TEST_KEYRING=secret-service
fi
bash -c "$LA_TEST_COMMAND"
