"""Public standards as data: the ids and names a threat may map to, shipped and per workspace."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from redline.catalog.loader import read_model
from redline.config.yamlio import dump_yaml
from redline.core.errors import ConfigError

ATLAS_KEY = "mitre-atlas"
WORKSPACE_STANDARDS = "standards"


class StandardEntry(BaseModel):
    """One entry of a standard: an id and its published name."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1, description="Entry id as the standard writes it, e.g. 'LLM01:2025'.")
    name: str = Field(min_length=1, description="Entry name as the standard writes it.")
    kind: str | None = Field(default=None, description="Kind of entry where a standard has several.")
    parent: str | None = Field(default=None, description="Id of the entry this one refines, if any.")


class Standard(BaseModel):
    """A public standard, taxonomy or guideline set that threats map to (ids and names only)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str = Field(pattern=r"^[a-z0-9][a-z0-9.-]*$", description="Key used in mappings.")
    title: str = Field(description="Name of the standard.")
    edition: str | None = Field(default=None, description="Edition or version the ids belong to.")
    publisher: str = Field(default="", description="Who publishes it.")
    url: str = Field(default="", description="Where to read it.")
    licence: str = Field(default="", description="Licence of the source the ids and names come from.")
    entries: tuple[StandardEntry, ...] = Field(description="Every id with its name.")

    def get(self, entry_id: str) -> StandardEntry | None:
        """The entry with that id, or None."""
        for entry in self.entries:
            if entry.id == entry_id:
                return entry
        return None

    def ids(self) -> list[str]:
        """Entry ids in published order."""
        return [e.id for e in self.entries]


@dataclass(frozen=True)
class StandardSource:
    """A standard with the file it was read from."""

    standard: Standard
    path: Path
    shipped: bool


@dataclass
class Standards:
    """The standards in force: a workspace file overrides the shipped one with the same key."""

    sources: dict[str, StandardSource] = field(default_factory=dict)

    def names(self) -> list[str]:
        """Every standard key, sorted."""
        return sorted(self.sources)

    def get(self, key: str) -> Standard:
        """A standard by key."""
        try:
            return self.sources[key].standard
        except KeyError:
            known = ", ".join(self.names())
            raise ConfigError(f"no standard '{key}' (known: {known})") from None

    def has(self, key: str) -> bool:
        """True when a standard with that key is loaded."""
        return key in self.sources


def shipped_standards_dir() -> Path:
    """Folder of the standards data that ships with Redline."""
    return Path(str(resources.files("redline.catalog") / "data" / "standards"))


def workspace_standards_dir(workspace_catalog: Path) -> Path:
    """Folder of a workspace's own standards files (inside its catalog folder)."""
    return workspace_catalog / WORKSPACE_STANDARDS


def _load_dir(folder: Path, into: dict[str, StandardSource], *, shipped: bool) -> None:
    seen: dict[str, Path] = {}
    for path in sorted(folder.glob("*.y*ml")):
        std = read_model(path, Standard)
        if std.key in seen:
            raise ConfigError(f"standard '{std.key}' is also defined in {seen[std.key]}", file=str(path))
        ids = [e.id for e in std.entries]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ConfigError(f"ids listed twice: {', '.join(dupes)}", file=str(path), field="entries")
        seen[std.key] = path
        into[std.key] = StandardSource(standard=std, path=path, shipped=shipped)


def load_standards(workspace_catalog: Path | None = None) -> Standards:
    """The shipped standards, overridden by any in `<workspace>/catalog/standards/`."""
    sources: dict[str, StandardSource] = {}
    _load_dir(shipped_standards_dir(), sources, shipped=True)
    if workspace_catalog is not None:
        folder = workspace_standards_dir(workspace_catalog)
        if folder.is_dir():
            _load_dir(folder, sources, shipped=False)
    return Standards(sources)


def write_standard(standard: Standard, path: Path) -> None:
    """Write a standard as YAML (entries one per line, so diffs stay readable)."""
    data = standard.model_dump(mode="json", exclude_none=True)
    entries = data.pop("entries")
    head = dump_yaml(data).rstrip("\n")
    lines = [head, "entries:"]
    for entry in entries:
        parts = [f"{k}: {_scalar(v)}" for k, v in entry.items()]
        lines.append("  - {" + ", ".join(parts) + "}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _scalar(value: object) -> str:
    """A double-quoted YAML scalar (JSON string syntax is valid YAML)."""
    return json.dumps(str(value), ensure_ascii=False)
