#!/usr/bin/env bash
# Make sure a headless Chromium is available for the report tests (HTML rendering, screenshots, PDF);
# install Debian's package when missing. Browser downloads by other tools do not work offline.
set -euo pipefail
if [ "${REDLINE_SKIP_BROWSER:-0}" = "1" ]; then
  echo "REDLINE_SKIP_BROWSER=1: browser tests will be skipped"
  exit 0
fi
for bin in "${REDLINE_CHROMIUM:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
  if [ -n "$bin" ] && [ -x "$bin" ]; then
    exit 0
  fi
done
echo "Chromium not found: installing it from Debian's packages (chromium)..."
if [ "$(id -u)" != "0" ]; then SUDO=sudo; else SUDO=; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
echo "Chromium installed."
