"""What an adapter is built from: its configuration with secrets resolved, and typed option parsing."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, TypeVar

from pydantic import BaseModel, ValidationError

from redline.config.settings import TargetConfig
from redline.core.errors import ConfigError
from redline.core.runs.guards import Guard
from redline.core.secrets import is_secret_key

if TYPE_CHECKING:
    from redline.targets.base import Target

OptionsT = TypeVar("OptionsT", bound=BaseModel)
GuardResolver = Callable[[str], Guard]
"""Turns a guard name from configuration into a Guard (scorers provide them; targets never import them)."""


@dataclass(frozen=True)
class TargetSpec:
    """A target's configuration with its secrets read from the environment; never printed with them."""

    name: str
    config: TargetConfig
    api_key: str | None = field(default=None, repr=False)
    headers: Mapping[str, str] = field(default_factory=dict, repr=False)
    env: Mapping[str, str] = field(default_factory=dict, repr=False)
    guard_resolver: GuardResolver | None = None
    build: Callable[[TargetConfig, str], Target] | None = field(default=None, repr=False)
    """Builds a nested target (the guarded wrapper's inner application) through the same registry."""

    @property
    def where(self) -> str:
        """How messages name this target: `target 'name' (kind)`."""
        return f"target '{self.name}' ({self.config.kind})"


class TargetFactory(Protocol):
    """What an entry point in `redline.targets` provides: a class that builds itself from a spec."""

    def from_config(self, spec: TargetSpec) -> Target:
        """Build the target; raise ConfigError naming the option that is wrong."""
        ...


def parse_options(model: type[OptionsT], spec: TargetSpec) -> OptionsT:
    """Validate `options` of a target's configuration; the error names the option and the target."""
    try:
        return model.model_validate(spec.config.options)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(part) for part in first["loc"])
        known = ", ".join(sorted(model.model_fields))
        raise ConfigError(
            f"{spec.where}: {first['msg']} (known options: {known})", field=f"options.{loc}"
        ) from None


def static_headers(headers: Mapping[str, str], *, where: str) -> dict[str, str]:
    """Headers written in the workspace; secret-looking ones must come from the environment instead."""
    for key in headers:
        if is_secret_key(key):
            raise ConfigError(
                f"{where}: header '{key}' looks secret; name an environment variable for it in headers_env",
                field="options.headers",
            )
    return dict(headers)
