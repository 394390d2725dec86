"""Domain packs: the shipped and workspace packs (`WORKSPACE/packs/*.yaml`), and profiles built on them.

A workspace pack with the name of a shipped one replaces it; any other name adds a pack. Every file
is validated on load; the first malformed one raises a one-line `ConfigError` naming file and field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from redline.catalog.loader import SHIPPED, WORKSPACE, read_model
from redline.core.catalog.profiles import DomainPack, TargetProfile, merge
from redline.core.errors import ConfigError

PACKS_DIR = "packs"
GENERAL = "general-assistant"


@dataclass(frozen=True)
class PackEntry:
    """A pack with where it came from: 'shipped' or 'workspace', and its file."""

    pack: DomainPack
    source: str
    path: Path


@dataclass
class Packs:
    """The domain packs in force, by name."""

    entries: dict[str, PackEntry] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.entries)

    def __contains__(self, name: object) -> bool:
        return name in self.entries

    def names(self) -> list[str]:
        """Every pack name, sorted."""
        return sorted(self.entries)

    def all(self) -> list[DomainPack]:
        """Every pack, by name."""
        return [self.entries[k].pack for k in sorted(self.entries)]

    def get(self, name: str) -> DomainPack:
        """A pack by name."""
        try:
            return self.entries[name].pack
        except KeyError:
            known = ", ".join(sorted(self.entries)) or "none"
            raise ConfigError(f"no domain pack named '{name}' (known: {known})") from None


def shipped_packs_dir() -> Path:
    """Folder of the packs that ship with Redline."""
    return Path(str(resources.files("redline.catalog") / "data" / PACKS_DIR))


def _load_dir(folder: Path, source: str, into: dict[str, PackEntry]) -> None:
    seen: dict[str, Path] = {}
    for path in sorted(folder.glob("*.y*ml")):
        pack = read_model(path, DomainPack)
        if pack.name in seen:
            raise ConfigError(
                f"pack '{pack.name}' is also in {seen[pack.name]}", file=str(path), field="name"
            )
        seen[pack.name] = path
        into[pack.name] = PackEntry(pack=pack, source=source, path=path)


def load_packs(workspace: Path | None = None) -> Packs:
    """The shipped packs, then the workspace's `packs/` folder over them."""
    entries: dict[str, PackEntry] = {}
    _load_dir(shipped_packs_dir(), SHIPPED, entries)
    if workspace is not None and (workspace / PACKS_DIR).is_dir():
        _load_dir(workspace / PACKS_DIR, WORKSPACE, entries)
    return Packs(entries)


def read_profile(path: Path) -> TargetProfile:
    """A profile from a YAML file (the same fields as a `profile:` block in redline.yaml)."""
    if not path.is_file():
        raise ConfigError("profile file not found", file=str(path))
    return read_model(path, TargetProfile)


def resolve_profile(explicit: TargetProfile, packs: Packs, *, where: str | None = None) -> TargetProfile:
    """The profile in force: `explicit` over the pack it names (if any)."""
    if explicit.pack is None:
        return explicit
    if explicit.pack not in packs:
        known = ", ".join(packs.names()) or "none"
        raise ConfigError(
            f"no domain pack named '{explicit.pack}' (known: {known})", file=where, field="pack"
        )
    return merge(packs.get(explicit.pack), explicit)


def profile_of(value: TargetProfile | str | None, *, workspace: Path, packs: Packs) -> TargetProfile | None:
    """A system's `profile:` setting resolved: a block, or a file path relative to the workspace."""
    if value is None:
        return None
    if isinstance(value, str):
        path = Path(value).expanduser()
        path = path if path.is_absolute() else workspace / path
        return resolve_profile(read_profile(path), packs, where=str(path))
    return resolve_profile(value, packs, where=str(workspace / "redline.yaml"))
