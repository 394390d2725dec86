"""The attack library as registered: techniques and converters from the `redline.attacks` entry points."""

from __future__ import annotations

import inspect
import re
from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from redline.attacks.base import PluginKind, Technique, TechniqueKind
from redline.config import plugins
from redline.core.errors import ConfigError

GROUP = "redline.attacks"


class ComponentInfo(BaseModel):
    """What `redline attacks list` shows for one technique or converter."""

    model_config = ConfigDict(frozen=True)

    name: str = Field(description="Registered name.")
    kind: PluginKind = Field(description="technique or converter.")
    technique_kind: TechniqueKind | None = Field(
        default=None, description="How a technique reaches the target."
    )
    summary: str = Field(description="First line of the docstring.")
    threats: tuple[str, ...] = Field(description="Catalog threats it can exercise.")
    source: str = Field(description="Paper or public source it follows.")
    default_seeds: str | None = Field(default=None, description="Seed set it is designed for (techniques).")
    needs_model: bool = Field(default=False, description="Converter that rewrites through an attacker model.")
    params: dict[str, Any] = Field(description="JSON Schema of its parameters.")
    defaults: dict[str, Any] = Field(description="Its parameters' default values.")
    module: str = Field(description="Python object that implements it.")


def _kind_of(obj: Any) -> PluginKind | None:
    if not inspect.isclass(obj):
        return None
    if callable(getattr(obj, "expand", None)):
        return PluginKind.TECHNIQUE
    if callable(getattr(obj, "convert", None)) or callable(getattr(obj, "aconvert", None)):
        return PluginKind.CONVERTER
    return None


@cache
def _registered() -> dict[str, tuple[PluginKind, type[Any]]]:
    found: dict[str, tuple[PluginKind, type[Any]]] = {}
    for name, obj in plugins.load_all(GROUP).items():
        kind = _kind_of(obj)
        if kind is None:
            raise ConfigError(
                f"plugin '{name}' in {GROUP} is neither a technique (expand) nor a converter (convert)"
            )
        if getattr(obj, "name", None) != name:
            raise ConfigError(
                f"plugin '{name}' in {GROUP} declares name {getattr(obj, 'name', None)!r}; the entry-point "
                "name and the class attribute must match"
            )
        found[name] = (kind, obj)
    return found


def technique_classes() -> dict[str, type[Any]]:
    """Registered technique classes by name."""
    return {n: c for n, (k, c) in sorted(_registered().items()) if k is PluginKind.TECHNIQUE}


def converter_classes() -> dict[str, type[Any]]:
    """Registered converter classes by name."""
    return {n: c for n, (k, c) in sorted(_registered().items()) if k is PluginKind.CONVERTER}


def get_technique(name: str) -> Technique:
    """A technique instance by name (typed: it must be a Technique); the error lists the registered names."""
    classes = technique_classes()
    cls = classes.get(name)
    if cls is None:
        raise ConfigError(f"no technique named '{name}' (registered: {', '.join(classes) or 'none'})")
    technique = cls()
    if not isinstance(technique, Technique):
        raise ConfigError(
            f"plugin '{name}' in {GROUP} is not a technique (name, kind, threats, source, default_seeds, "
            "Params, expand)"
        )
    return technique


_SENTENCE_END = re.compile(r"(?<!\be\.g)(?<!\bi\.e)(?<!\bcf)(?<!\bvs)(?<!\betc)[.!?](?=\s+[A-Z`(\"]|\s*$)")


def _first_sentence(doc: str) -> str:
    """A docstring's first sentence, whole when it runs over several lines."""
    paragraph = " ".join(doc.strip().split("\n\n")[0].split())
    end = _SENTENCE_END.search(paragraph)
    return paragraph[: end.end()] if end else paragraph


def describe(name: str) -> ComponentInfo:
    """The description of one registered component."""
    reg = _registered()
    if name not in reg:
        raise ConfigError(f"no technique or converter named '{name}' (registered: {', '.join(sorted(reg))})")
    kind, cls = reg[name]
    doc = inspect.getdoc(cls) or ""
    params_model: type[BaseModel] = cls.Params
    return ComponentInfo(
        name=name,
        kind=kind,
        technique_kind=getattr(cls, "kind", None) if kind is PluginKind.TECHNIQUE else None,
        summary=_first_sentence(doc),
        threats=tuple(getattr(cls, "threats", ())),
        source=str(getattr(cls, "source", "")),
        default_seeds=getattr(cls, "default_seeds", None) if kind is PluginKind.TECHNIQUE else None,
        needs_model=bool(getattr(cls, "needs_model", False)),
        params=params_model.model_json_schema(),
        defaults=params_model().model_dump(mode="json"),
        module=f"{cls.__module__}:{cls.__qualname__}",
    )


def catalogue(*, threat: str | None = None, kind: PluginKind | None = None) -> list[ComponentInfo]:
    """Every registered component, optionally only those exercising `threat` or of one kind."""
    out = [describe(n) for n in sorted(_registered())]
    if threat is not None:
        out = [c for c in out if threat in c.threats]
    if kind is not None:
        out = [c for c in out if c.kind is kind]
    return out
