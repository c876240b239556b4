#!/usr/bin/env bash
# Starts an unlocked gnome-keyring Secret Service in the current D-Bus session (run it under
# dbus-run-session), then runs $LA_TEST_COMMAND. The password is generated per run.
set -euo pipefail
# The daemon keeps its keyrings in a fresh directory per run: a login.keyring left by an earlier run
# has another password and would stay locked. Only the daemon sees this XDG_DATA_HOME, so the test
# command keeps the user's own (pnpm's store lives there).
keyring_home=$(mktemp -d)
trap 'rm -rf "$keyring_home"' EXIT
pw=$(node -e 'process.stdout.write(require("crypto").randomBytes(12).toString("hex"))')
if command -v gnome-keyring-daemon >/dev/null 2>&1; then
  eval "$(printf %s "$pw" | XDG_DATA_HOME="$keyring_home" gnome-keyring-daemon --unlock --components=secrets | sed 's/^/export /')"
  export LA_TEST_KEYRING=secret-service
  export LA_TEST_KEYRING_DATA_HOME="$keyring_home"
fi
bash -c "$LA_TEST_COMMAND"
