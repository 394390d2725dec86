"""Build a target from its workspace configuration through the `redline.targets` entry points."""

from __future__ import annotations

from collections.abc import Mapping

from redline.config import plugins
from redline.config.settings import TargetConfig
from redline.core.errors import ConfigError
from redline.core.secrets import read_secret, read_secret_headers
from redline.targets.base import Target, TargetCapabilities
from redline.targets.spec import GuardResolver, TargetSpec

GROUP = "redline.targets"


def resolve_secrets(
    config: TargetConfig, *, env: Mapping[str, str], name: str
) -> tuple[str | None, dict[str, str]]:
    """The API key and secret headers named by `api_key_env` and `headers_env`, read from `env`."""
    where = f"target '{name}' ({config.kind})"
    api_key = (
        read_secret(env, config.api_key_env, holds="the API key", field="api_key_env", where=where)
        if config.api_key_env
        else None
    )
    headers = read_secret_headers(env, config.headers_env, field="headers_env", where=where)
    return api_key, headers


def target_from_config(
    config: TargetConfig,
    *,
    env: Mapping[str, str],
    name: str,
    guard_resolver: GuardResolver | None = None,
) -> Target:
    """The target a configuration describes, with secrets read from `env` (never from the workspace)."""
    factory = plugins.load(GROUP, config.kind)
    if not callable(getattr(factory, "from_config", None)):
        raise ConfigError(f"plugin '{config.kind}' in {GROUP} has no from_config(spec); it cannot be built")
    api_key, headers = resolve_secrets(config, env=env, name=name)

    def build_nested(inner: TargetConfig, inner_name: str) -> Target:
        return target_from_config(inner, env=env, name=inner_name, guard_resolver=guard_resolver)

    spec = TargetSpec(
        name=name,
        config=config,
        api_key=api_key,
        headers=headers,
        env=env,
        guard_resolver=guard_resolver,
        build=build_nested,
    )
    target = factory.from_config(spec)
    if not isinstance(target, Target):
        raise ConfigError(f"plugin '{config.kind}' built {type(target).__name__}, which is not a Target")
    return target


def target_kinds() -> list[str]:
    """Registered target kinds, without importing their adapters."""
    return plugins.names(GROUP)


def capabilities_of(kind: str) -> TargetCapabilities:
    """What the adapter registered as `kind` declares on its class (`supports`), without building one.

    An adapter that declares nothing offers nothing: no pool, no log-probabilities, no tools, no parameters.
    """
    declared = getattr(plugins.load(GROUP, kind), "supports", None)
    return declared if isinstance(declared, TargetCapabilities) else TargetCapabilities()
