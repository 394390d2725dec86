"""Load the threat catalog: the shipped entries plus the workspace's own, each file validated."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from redline.core.errors import ConfigError
from redline.core.threats import Threat
from redline.yamlio import load_model

SHIPPED = "shipped"


@dataclass(frozen=True)
class CatalogEntry:
    """A threat with the file it came from."""

    threat: Threat
    source: str


@dataclass
class Catalog:
    """The threats in force: workspace files override shipped ones with the same id."""

    entries: dict[str, CatalogEntry] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.entries)

    def threats(self) -> list[Threat]:
        """Every threat, by id."""
        return [self.entries[k].threat for k in sorted(self.entries)]

    def get(self, threat_id: str) -> Threat:
        """A threat by id."""
        try:
            return self.entries[threat_id].threat
        except KeyError:
            raise ConfigError(f"no threat '{threat_id}' in the catalog") from None


def shipped_dir() -> Path:
    """Folder of the catalog that ships with Redline."""
    return Path(str(resources.files("redline.catalog") / "data" / "threats"))


def _load_dir(folder: Path, source: str, into: dict[str, CatalogEntry], *, override: bool) -> None:
    seen: dict[str, Path] = {}
    for path in sorted(folder.glob("*.y*ml")):
        threat = load_model(path, Threat)
        if threat.id in seen:
            raise ConfigError(
                f"threat id '{threat.id}' is also defined in {seen[threat.id]}", file=str(path), field="id"
            )
        seen[threat.id] = path
        if threat.id in into and not override:
            continue
        into[threat.id] = CatalogEntry(threat=threat, source=source if source == SHIPPED else str(path))


def load_catalog(workspace_catalog: Path | None = None, *, include_shipped: bool = True) -> Catalog:
    """The catalog in force for a workspace."""
    entries: dict[str, CatalogEntry] = {}
    if include_shipped:
        _load_dir(shipped_dir(), SHIPPED, entries, override=False)
    if workspace_catalog is not None and workspace_catalog.is_dir():
        _load_dir(workspace_catalog, "workspace", entries, override=True)
    return Catalog(entries)
