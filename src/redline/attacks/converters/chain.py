"""Converter chains: parse `name:key=value,...` specs, build converters, apply them in order."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import ValidationError

from redline.attacks.base import Converter, ModelConverter
from redline.core.errors import ConfigError

if TYPE_CHECKING:
    from redline.targets.base import Target

AnyConverter = Converter | ModelConverter


def parse_spec(spec: str) -> tuple[str, dict[str, Any]]:
    """Split `caesar:shift=5,foo=bar` into the name and its parameters (values read as YAML scalars)."""
    name, _, rest = spec.strip().partition(":")
    params: dict[str, Any] = {}
    for part in filter(None, (p.strip() for p in rest.split(","))):
        key, eq, value = part.partition("=")
        if not eq or not key.strip():
            raise ConfigError(f"converter spec '{spec}': expected key=value, got '{part}'")
        try:
            params[key.strip()] = yaml.safe_load(value.strip())
        except yaml.YAMLError:
            params[key.strip()] = value.strip()
    if not name:
        raise ConfigError(f"converter spec '{spec}' has no name")
    return name, params


def build_converter(spec: str) -> AnyConverter:
    """A converter built from its spec; errors list the known converters or the bad parameter."""
    from redline.attacks.registry import converter_classes

    name, raw = parse_spec(spec)
    classes = converter_classes()
    cls = classes.get(name)
    if cls is None:
        raise ConfigError(f"no converter named '{name}' (known: {', '.join(sorted(classes))})")
    try:
        params = cls.Params.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"])
        raise ConfigError(f"converter '{name}': {err['msg']}", field=field or None) from None
    converter: AnyConverter = cls(params)
    return converter


def needs_model(chain: Sequence[AnyConverter]) -> bool:
    """Whether any converter of the chain rewrites through a model."""
    return any(getattr(c, "needs_model", False) for c in chain)


def apply_chain(text: str, chain: Sequence[AnyConverter], *, rng: random.Random) -> str:
    """Apply converters in order; model converters need `apply_chain_async`."""
    for conv in chain:
        if isinstance(conv, ModelConverter) and getattr(conv, "needs_model", False):
            raise ConfigError(
                f"converter '{conv.name}' rewrites through a model; build the cases with an attacker "
                "target (build_cases_async(..., attacker=...))"
            )
        assert isinstance(conv, Converter)
        text = conv.convert(text, rng=rng)
    return text


async def apply_chain_async(
    text: str, chain: Sequence[AnyConverter], *, rng: random.Random, model: Target | None
) -> str:
    """Apply converters in order; model converters ask `model`."""
    for conv in chain:
        if getattr(conv, "needs_model", False):
            if model is None:
                raise ConfigError(f"converter '{conv.name}' needs an attacker model; none was configured")
            assert isinstance(conv, ModelConverter)
            text = await conv.aconvert(text, rng=rng, model=model)
        else:
            assert isinstance(conv, Converter)
            text = conv.convert(text, rng=rng)
    return text
