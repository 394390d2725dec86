"""The registered scorers: what each needs, and building one by name through the entry points."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from redline.config import plugins
from redline.core.errors import ConfigError
from redline.scorers.base import Scorer

GROUP = "redline.scorers"


class ScorerInfo(BaseModel):
    """What `redline scorers list` shows about one registered scorer."""

    model_config = ConfigDict(frozen=True)

    name: str = Field(description="Registered name.")
    version: str = Field(description="Scorer version, recorded in every score's provenance.")
    kind: str = Field(description="verdict or scale.")
    summary: str = Field(description="First line of the scorer's docstring.")
    threats: tuple[str, ...] = Field(description="Catalog threats it is meant for.")
    needs_judge: bool = Field(description="True when it must be given a judge target.")
    source: str = Field(description="The entry point's import path.")


def _needs_judge(cls: Any) -> bool:
    import inspect

    params = inspect.signature(cls.__init__).parameters
    judge = params.get("judge") or params.get("judges")
    return judge is not None and judge.default is inspect.Parameter.empty


def scorer_infos() -> list[ScorerInfo]:
    """Every registered scorer, by name."""
    out = []
    for name, cls in plugins.load_all(GROUP).items():
        doc = (cls.__doc__ or "").strip().splitlines()
        out.append(
            ScorerInfo(
                name=name,
                version=str(getattr(cls, "version", "")),
                kind=str(getattr(cls, "kind", "verdict")),
                summary=doc[0] if doc else "",
                threats=tuple(getattr(cls, "threats", ())),
                needs_judge=_needs_judge(cls),
                source=f"{cls.__module__}:{cls.__qualname__}",
            )
        )
    return out


def build_scorer(name: str, **options: Any) -> Scorer:
    """An instance of the scorer registered as `name`, built with `options` (typed: it must be a Scorer)."""
    cls = plugins.load(GROUP, name)
    if _needs_judge(cls) and "judge" not in options and "judges" not in options:
        raise ConfigError(f"scorer '{name}' needs a judge target; configure one (judge: <target name>)")
    try:
        built = cls(**options)
    except TypeError as exc:
        raise ConfigError(f"scorer '{name}' does not take these options: {exc}") from None
    if not isinstance(built, Scorer):
        raise ConfigError(f"plugin '{name}' in {GROUP} is not a scorer (it needs score and score_batch)")
    return built
