"""Read a MITRE ATLAS matrix file (the published ATLAS.yaml layout) into a standard of ids and names."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

from redline.catalog.standards import ATLAS_KEY, Standard, StandardEntry
from redline.core.errors import ConfigError

ATLAS_URL = "https://atlas.mitre.org/"


class AtlasChanges(BaseModel):
    """What an import changes compared with the ATLAS list in force before it."""

    model_config = ConfigDict(frozen=True)

    old_version: str | None = Field(description="ATLAS version before the import, if any.")
    new_version: str | None = Field(description="ATLAS version of the imported file.")
    added: tuple[str, ...] = Field(default=(), description="Ids new in the imported file.")
    removed: tuple[str, ...] = Field(default=(), description="Ids no longer in the imported file.")
    renamed: tuple[str, ...] = Field(default=(), description="Ids whose name changed.")


def _load(path: Path) -> Any:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError("file not found", file=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read: {exc}", file=str(path)) from None
    try:
        return yaml.load(text, Loader=loader)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark is not None else None
        raise ConfigError(f"invalid YAML: {exc.problem}", file=str(path), line=line) from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"invalid YAML: {exc}", file=str(path)) from None


def _objects(matrix: dict[str, Any], key: str, path: Path, where: str) -> list[dict[str, Any]]:
    items = matrix.get(key) or []
    if not isinstance(items, list):
        raise ConfigError(f"'{key}' must be a list", file=str(path), field=f"{where}.{key}")
    out: list[dict[str, Any]] = []
    for i, item in enumerate(items):
        if not isinstance(item, dict) or not item.get("id") or not item.get("name"):
            raise ConfigError(
                "each entry needs an 'id' and a 'name'", file=str(path), field=f"{where}.{key}[{i}]"
            )
        out.append(item)
    return out


def read_atlas(path: Path) -> Standard:
    """The tactics and techniques (sub-techniques included) of an ATLAS matrix file, ids and names only."""
    data = _load(path)
    if not isinstance(data, dict) or not isinstance(data.get("matrices"), list) or not data["matrices"]:
        raise ConfigError(
            "not an ATLAS matrix file: expected a mapping with a non-empty 'matrices' list", file=str(path)
        )
    entries: dict[str, StandardEntry] = {}
    for m, matrix in enumerate(data["matrices"]):
        if not isinstance(matrix, dict):
            raise ConfigError("each matrix must be a mapping", file=str(path), field=f"matrices[{m}]")
        where = f"matrices[{m}]"
        for item in _objects(matrix, "tactics", path, where):
            entries.setdefault(
                str(item["id"]), StandardEntry(id=str(item["id"]), name=str(item["name"]), kind="tactic")
            )
        for item in _objects(matrix, "techniques", path, where):
            parent = item.get("subtechnique-of")
            entry = StandardEntry(
                id=str(item["id"]),
                name=str(item["name"]),
                kind="sub-technique" if parent else "technique",
                parent=str(parent) if parent else None,
            )
            entries.setdefault(entry.id, entry)
    techniques = [e for e in entries.values() if e.kind != "tactic"]
    if not techniques:
        raise ConfigError("the file lists no techniques", file=str(path), field="matrices")
    version = data.get("version")
    return Standard(
        key=ATLAS_KEY,
        title=str(data.get("name") or "MITRE ATLAS"),
        edition=_text(version) if version is not None else None,
        publisher="MITRE",
        url=ATLAS_URL,
        licence="Apache-2.0 (ATLAS data, Copyright MITRE); ids and names only",
        entries=tuple(sorted(entries.values(), key=lambda e: _order(e.id))),
    )


def _text(value: object) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def _order(entry_id: str) -> tuple[int, str]:
    """Tactics first, then techniques by number, each followed by its sub-techniques."""
    return (0 if entry_id.startswith("AML.TA") else 1, entry_id)


def compare_atlas(old: Standard | None, new: Standard) -> AtlasChanges:
    """Ids added, removed and renamed between two ATLAS lists."""
    before = {e.id: e.name for e in old.entries} if old else {}
    after = {e.id: e.name for e in new.entries}
    return AtlasChanges(
        old_version=old.edition if old else None,
        new_version=new.edition,
        added=tuple(sorted(set(after) - set(before))),
        removed=tuple(sorted(set(before) - set(after))),
        renamed=tuple(sorted(i for i in set(before) & set(after) if before[i] != after[i])),
    )
