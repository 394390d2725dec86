"""Shared by the scripts that add a round of hand-written rows to a scorer's validation set."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml


def replace_rows(out: Path, prefix: str, rows: Sequence[dict[str, Any]], script: str, label: str) -> None:
    """Replace the rows of the set at `out` whose id starts with `prefix` by `rows`, and name `script`
    as their source."""
    doc = yaml.safe_load(out.read_text(encoding="utf-8"))
    doc["rows"] = [r for r in doc["rows"] if not str(r["id"]).startswith(prefix)] + list(rows)
    note = f"; {prefix} rows: {script}"
    if note not in doc["source"]:
        doc["source"] += note
    out.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=110), encoding="utf-8")
    print(f"{label}: {len(doc['rows'])} rows")
