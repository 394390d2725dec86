#!/usr/bin/env bash
# Regenerate the initial Alembic migration from src/redline/store/tables.py (used until the first
# release; after a release, schema changes get new migrations instead).
set -euo pipefail
cd "$(dirname "$0")/.."
py=${PYTHON:-.venv/bin/python}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rm -f src/redline/store/migrations/versions/0001_*.py
"$py" - "$tmp/mig.db" <<'PY'
import sys
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine

cfg = Config()
cfg.set_main_option("script_location", "src/redline/store/migrations")
cfg.attributes["engine"] = create_engine(f"sqlite:///{sys.argv[1]}")
command.revision(cfg, message="initial schema", autogenerate=True, rev_id="0001")
PY
f=$(ls src/redline/store/migrations/versions/0001_*.py)
sed -i '/^Create Date:/d' "$f"
"${RUFF:-.venv/bin/ruff}" format -q "$f"
"${RUFF:-.venv/bin/ruff}" check -q --fix "$f" || true
echo "regenerated $f"
