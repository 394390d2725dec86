"""Load the threat catalog: the shipped entries plus the workspace's own, each file validated."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from redline.caching import LoadOnce
from redline.config.yamlio import load_model
from redline.core.catalog.threats import Threat
from redline.core.errors import ConfigError

SHIPPED = "shipped"
WORKSPACE = "workspace"
M = TypeVar("M", bound=BaseModel)
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_PACKAGE = str(Path(__file__).resolve().parent.parent) + os.sep
_SHIPPED_MODELS: LoadOnce[tuple[str, str, int, int], BaseModel] = LoadOnce()


def read_model(path: Path, model: type[M]) -> M:
    """Validate a YAML file against `model`, parsing with libyaml; on any problem the slower
    line-tracking reader runs instead, so the error names the file, line and field.

    A file that ships inside the package is read once per process for a frozen model (the catalog,
    playbooks and packs are read by every page and plan); a workspace file is read every time."""
    where = str(path)
    if model.model_config.get("frozen") and where.startswith(_PACKAGE) and ".." not in path.parts:
        try:
            stat = path.stat()
        except OSError:
            return _read(path, model)
        key = (where, f"{model.__module__}.{model.__qualname__}", stat.st_mtime_ns, stat.st_size)
        found = _SHIPPED_MODELS.get(key, lambda: _read(path, model))
        assert isinstance(found, model)
        return found
    return _read(path, model)


def _read(path: Path, model: type[M]) -> M:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_FAST_LOADER)
        if isinstance(data, dict):
            return model.model_validate(data)
    except (OSError, UnicodeDecodeError, yaml.YAMLError, ValidationError):
        pass
    return load_model(path, model)


@dataclass(frozen=True)
class CatalogEntry:
    """A threat with where it came from: 'shipped' or 'workspace', and its file."""

    threat: Threat
    source: str
    path: Path

    @property
    def shipped(self) -> bool:
        """True for an entry that ships with Redline (not overridden by the workspace)."""
        return self.source == SHIPPED


@dataclass
class Catalog:
    """The threats in force: workspace files override shipped ones with the same id."""

    entries: dict[str, CatalogEntry] = field(default_factory=dict)
    workspace_dir: Path | None = None

    def __len__(self) -> int:
        return len(self.entries)

    def __contains__(self, threat_id: object) -> bool:
        return threat_id in self.entries

    def threats(self) -> list[Threat]:
        """Every threat, by id."""
        return [self.entries[k].threat for k in sorted(self.entries)]

    def get(self, threat_id: str) -> Threat:
        """A threat by id or alias."""
        return self.entry(threat_id).threat

    def entry(self, threat_id: str) -> CatalogEntry:
        """A threat by id or alias, with its source."""
        try:
            return self.entries[self.resolve(threat_id)]
        except KeyError:
            raise ConfigError(
                f"no threat '{threat_id}' in the catalog; 'redline catalog list' shows the ids"
            ) from None

    def resolve(self, threat_id: str) -> str:
        """The canonical id for an id or an alias (unknown ids come back unchanged)."""
        if threat_id in self.entries:
            return threat_id
        for key, entry in self.entries.items():
            if threat_id in entry.threat.aliases:
                return key
        return threat_id

    def knows(self, threat_id: str) -> bool:
        """True when the id or alias names a threat in force."""
        return self.resolve(threat_id) in self.entries


def shipped_dir() -> Path:
    """Folder of the catalog that ships with Redline."""
    return Path(str(resources.files("redline.catalog") / "data" / "threats"))


def _load_dir(
    folder: Path,
    source: str,
    into: dict[str, CatalogEntry],
    *,
    override: bool,
    errors: list[ConfigError] | None,
) -> None:
    seen: dict[str, Path] = {}
    for path in sorted(folder.glob("*.y*ml")):
        try:
            threat = read_model(path, Threat)
            if threat.id in seen:
                raise ConfigError(
                    f"threat id '{threat.id}' is also defined in {seen[threat.id]}",
                    file=str(path),
                    field="id",
                )
        except ConfigError as exc:
            if errors is None:
                raise
            errors.append(exc)
            continue
        seen[threat.id] = path
        if threat.id in into and not override:
            continue
        into[threat.id] = CatalogEntry(threat=threat, source=source, path=path)


def scan_catalog(
    workspace_catalog: Path | None = None, *, include_shipped: bool = True
) -> tuple[Catalog, list[ConfigError]]:
    """The catalog in force plus every file error, instead of stopping at the first (for lint)."""
    errors: list[ConfigError] = []
    return _build(workspace_catalog, include_shipped=include_shipped, errors=errors), errors


def load_catalog(workspace_catalog: Path | None = None, *, include_shipped: bool = True) -> Catalog:
    """The catalog in force for a workspace; the first malformed file raises `ConfigError`."""
    return _build(workspace_catalog, include_shipped=include_shipped, errors=None)


def _build(
    workspace_catalog: Path | None, *, include_shipped: bool, errors: list[ConfigError] | None
) -> Catalog:
    entries: dict[str, CatalogEntry] = {}
    if include_shipped:
        _load_dir(shipped_dir(), SHIPPED, entries, override=False, errors=errors)
    if workspace_catalog is not None and workspace_catalog.is_dir():
        _load_dir(workspace_catalog, WORKSPACE, entries, override=True, errors=errors)
    for problem in _alias_clashes(entries):
        if errors is None:
            raise problem
        errors.append(problem)
    return Catalog(entries, workspace_dir=workspace_catalog)


def _alias_clashes(entries: dict[str, CatalogEntry]) -> list[ConfigError]:
    """An alias must not be another threat's id or another threat's alias."""
    owner: dict[str, str] = {}
    problems: list[ConfigError] = []
    for key in sorted(entries):
        entry = entries[key]
        for alias in entry.threat.aliases:
            clash = alias if alias in entries else owner.get(alias)
            if clash is not None:
                problems.append(
                    ConfigError(
                        f"alias '{alias}' already names threat '{clash}'",
                        file=str(entry.path),
                        field="aliases",
                    )
                )
            owner.setdefault(alias, key)
    return problems
