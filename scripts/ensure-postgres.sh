#!/usr/bin/env bash
# Make sure a PostgreSQL server binary is available for the store tests; install it from Debian's
# packages when missing. The tests start and stop their own throwaway cluster on loopback.
set -euo pipefail
if [ "${REDLINE_SKIP_POSTGRES:-0}" = "1" ]; then
  echo "REDLINE_SKIP_POSTGRES=1: PostgreSQL tests will be skipped"
  exit 0
fi
if [ -n "${REDLINE_TEST_POSTGRES_URL:-}" ]; then
  exit 0
fi
if compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || command -v initdb >/dev/null; then
  exit 0
fi
echo "PostgreSQL server not found: installing it from Debian's packages (postgresql)..."
if [ "$(id -u)" != "0" ]; then SUDO=sudo; else SUDO=; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends postgresql >/dev/null
echo "PostgreSQL installed."
