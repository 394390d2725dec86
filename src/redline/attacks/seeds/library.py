"""Find seed sets: the ones shipped with Redline plus the workspace's seed store (`WORKSPACE/seeds/`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from redline.attacks.seeds.model import SeedSet
from redline.catalog.loader import read_model
from redline.config.yamlio import dump_yaml
from redline.core.errors import ConfigError
from redline.core.runs.cases import Seed

SHIPPED = "shipped"
STORE_DIR = "seeds"


def shipped_dir() -> Path:
    """Folder of the seed sets that ship with Redline."""
    return Path(str(resources.files("redline.attacks") / "data" / "seeds"))


def store_dir(workspace: Path) -> Path:
    """The workspace's seed store."""
    return workspace / STORE_DIR


@dataclass
class SeedLibrary:
    """The seed sets in force: workspace sets override shipped ones of the same name."""

    sets: dict[str, SeedSet] = field(default_factory=dict)
    origins: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, workspace: Path | None = None, *, include_shipped: bool = True) -> SeedLibrary:
        """Shipped sets plus those in `workspace/seeds/`."""
        lib = cls()
        if include_shipped:
            lib._load_dir(shipped_dir(), SHIPPED)
        if workspace is not None and store_dir(workspace).is_dir():
            lib._load_dir(store_dir(workspace), "workspace")
        return lib

    def _load_dir(self, folder: Path, origin: str) -> None:
        seen: dict[str, Path] = {}
        for path in sorted(folder.glob("*.y*ml")):
            seed_set = read_model(path, SeedSet)  # libyaml; the line-tracking reader names any error
            if seed_set.name in seen:
                raise ConfigError(
                    f"seed set '{seed_set.name}' is also defined in {seen[seed_set.name]}",
                    file=str(path),
                    field="name",
                )
            seen[seed_set.name] = path
            self.sets[seed_set.name] = seed_set
            self.origins[seed_set.name] = origin if origin == SHIPPED else str(path)

    def names(self) -> list[str]:
        """Every set name, sorted."""
        return sorted(self.sets)

    def get(self, name: str) -> SeedSet:
        """A set by name; the error lists the known names."""
        try:
            return self.sets[name]
        except KeyError:
            known = ", ".join(self.names()) or "none"
            raise ConfigError(f"no seed set named '{name}' (known: {known})") from None

    def seeds(self, name: str) -> list[Seed]:
        """The seeds of a set, as core `Seed`s."""
        return self.get(name).to_seeds()


def save_seed_set(seed_set: SeedSet, workspace: Path, *, overwrite: bool = False) -> Path:
    """Write a set into the workspace's seed store; refuses to replace one unless asked."""
    folder = store_dir(workspace)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{seed_set.name}.yaml"
    if path.exists() and not overwrite:
        raise ConfigError(
            f"seed set '{seed_set.name}' already exists; pass --overwrite or choose another --name",
            file=str(path),
        )
    path.write_text(dump_yaml(seed_set.model_dump(mode="json", exclude_none=True)), encoding="utf-8")
    return path


@cache
def shipped_library() -> SeedLibrary:
    """The shipped seed sets, loaded once per process."""
    return SeedLibrary.load(None)
