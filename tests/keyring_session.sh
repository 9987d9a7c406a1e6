#!/bin/sh
# Runs a command inside a private D-Bus session with its own unlocked gnome-keyring, the Secret
# Service qtkeychain talks to: keychain tests never touch a user's keyring, and work headless.
# Usage: tests/keyring_session.sh COMMAND [ARG ...]
exec dbus-run-session -- sh -c '
    HOME=$(mktemp -d) && export HOME
    printf "stampede-tests" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
    "$@"; status=$?
    rm -rf "$HOME"
    exit $status' sh "$@"
