#!/usr/bin/env bash
# Install Redline into the virtual environment: `install.sh PYTHON demo|dev`.
set -euo pipefail
py=$1
what=$2
if [ "$what" = "dev" ]; then extras="dev"; else extras=""; fi
spec="."
[ -n "$extras" ] && spec=".[$extras]"
echo "Installing redline${extras:+[$extras]} into $(dirname "$(dirname "$py")") ..."
"$py" -m pip install -q -e "$spec"
