"""Entry-point discovery for the plugin groups; built-ins register the same way as third parties."""

from __future__ import annotations

from functools import cache
from importlib.metadata import EntryPoint, entry_points
from typing import Any

from redline.core.errors import ConfigError

GROUPS = ("redline.targets", "redline.attacks", "redline.scorers", "redline.reporters", "redline.notifiers")


@cache
def _entry_points(group: str) -> tuple[EntryPoint, ...]:
    if group not in GROUPS:
        raise ValueError(f"unknown plugin group {group!r}; known: {', '.join(GROUPS)}")
    found = tuple(sorted(entry_points(group=group), key=lambda ep: ep.name))
    names = [ep.name for ep in found]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        owners = {n: sorted({ep.value for ep in found if ep.name == n}) for n in dupes}
        raise ConfigError(f"plugin names registered twice in {group}: {owners}")
    return found


def names(group: str) -> list[str]:
    """Registered plugin names of a group, without importing them."""
    return [ep.name for ep in _entry_points(group)]


def load(group: str, name: str) -> Any:
    """The object registered under `name` in `group`."""
    for ep in _entry_points(group):
        if ep.name == name:
            try:
                return ep.load()
            except (ImportError, AttributeError) as exc:
                raise ConfigError(f"plugin '{name}' ({ep.value}) in {group} failed to load: {exc}") from None
    known = ", ".join(names(group)) or "none"
    raise ConfigError(f"no plugin named '{name}' in {group} (registered: {known})")


def load_all(group: str) -> dict[str, Any]:
    """Every plugin of a group, by name."""
    return {ep.name: load(group, ep.name) for ep in _entry_points(group)}
