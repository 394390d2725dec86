"""Replayable components: what a round ran (techniques, converters, loops, scorers, helper models) as specs.

A spec names a component's plugin group, registered name, version, parameters and the helper models
it was given (attacker, judge). A round stores the specs of its components with its configuration
(`components`), and this module is the one place that builds components from specs, so a re-run,
a replay and a verification rebuild what ran instead of guessing it from names.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from redline import __version__, plugins
from redline.attacks.base import MultiTurnStrategy, Technique
from redline.attacks.converters.chain import AnyConverter, build_converter, parse_spec
from redline.core.cases import AttackCase
from redline.core.errors import ConfigError
from redline.engine.loops import AttackerLoop, CaseLoop, SuffixSearchLoop, build_loop, is_loop
from redline.engine.models import HelperModels
from redline.scorers.base import Scorer
from redline.targets.base import Target

if TYPE_CHECKING:
    from redline.engine.spec import RoundSpec

ATTACKS = "redline.attacks"
SCORERS = "redline.scorers"
Role = Literal["technique", "converter", "loop", "strategy", "scorer"]
_JUDGE_KEYS = frozenset({"judge", "judges"})


class HelperSpec(BaseModel):
    """A helper model a component was given: a workspace system, or a scorer standing in for a judge."""

    model_config = ConfigDict(frozen=True)

    system: str | None = Field(default=None, description="Workspace system name of the helper model.")
    scorer: ComponentSpec | None = Field(default=None, description="A scorer used as the judge.")


class ComponentSpec(BaseModel):
    """One component as it ran: enough to build it again."""

    model_config = ConfigDict(frozen=True)

    group: str = Field(description="Plugin group (redline.attacks, redline.scorers).")
    name: str = Field(description="Registered name.")
    role: Role = Field(description="What the round used it as.")
    version: str = Field(default="", description="The component's version when it ran.")
    params: dict[str, Any] = Field(default_factory=dict, description="Parameters it ran with.")
    helpers: dict[str, HelperSpec] = Field(
        default_factory=dict, description="Helper models by role: attacker, judge."
    )


HelperSpec.model_rebuild()


class RoundComponents(BaseModel):
    """The specs of every component a round used."""

    model_config = ConfigDict(frozen=True)

    scorers: tuple[ComponentSpec, ...] = ()
    strategies: tuple[ComponentSpec, ...] = ()
    loops: tuple[ComponentSpec, ...] = ()
    techniques: tuple[ComponentSpec, ...] = ()
    converters: tuple[ComponentSpec, ...] = ()

    def loop_names(self) -> list[str]:
        """Names of the techniques that ran as loops."""
        return [s.name for s in self.loops]


# ---- specs of built components ---------------------------------------------------------------------


def _version(obj: Any) -> str:
    return str(getattr(obj, "version", "") or __version__)


def _plain(value: Any) -> Any:
    """A JSON-able rendering of parameters (targets become their names)."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(getattr(value, "name", value))


def _target_helper(target: Target | None) -> HelperSpec | None:
    return HelperSpec(system=str(target.name)) if target is not None else None


def scorer_spec(scorer: Scorer) -> ComponentSpec:
    """The spec of a built scorer: its name, version and recorded parameters; a judge model as helper."""
    params_of = getattr(scorer, "params", None)
    params: dict[str, Any] = {}
    if callable(params_of):
        try:
            params = dict(_plain(params_of()))
        except Exception:  # a third-party scorer whose params() fails is still recorded by name
            params = {}
    helpers: dict[str, HelperSpec] = {}
    judge = params.get("judge")
    judges = params.get("judges")
    if isinstance(judges, list) and judges:
        judge = judges[0]
    if isinstance(judge, str) and judge:
        helpers["judge"] = HelperSpec(system=judge)
    return ComponentSpec(
        group=SCORERS,
        name=scorer.name,
        role="scorer",
        version=str(scorer.version),
        params={k: v for k, v in params.items() if k not in _JUDGE_KEYS},
        helpers=helpers,
    )


def _judge_helper(judge: Any) -> HelperSpec | None:
    if judge is None:
        return None
    if isinstance(judge, Scorer) and not hasattr(judge, "send"):
        return HelperSpec(scorer=scorer_spec(judge))
    return HelperSpec(system=str(getattr(judge, "name", "")))


def loop_spec(loop: CaseLoop) -> ComponentSpec:
    """The spec of a loop: the technique, and for attacker loops the attacker and judge it ran with."""
    helpers: dict[str, HelperSpec] = {}
    if isinstance(loop, AttackerLoop):
        for role, helper in (
            ("attacker", _target_helper(loop.attacker)),
            ("judge", _judge_helper(loop.judge)),
        ):
            if helper is not None:
                helpers[role] = helper
    technique = loop.technique if isinstance(loop, AttackerLoop | SuffixSearchLoop) else loop
    return ComponentSpec(
        group=ATTACKS, name=loop.name, role="loop", version=_version(technique), helpers=helpers
    )


def strategy_spec(name: str, strategy: MultiTurnStrategy) -> ComponentSpec:
    """The spec of a multi-turn strategy: its technique, parameters and attacker (and judge) models."""
    params = getattr(strategy, "params", None)
    helpers: dict[str, HelperSpec] = {}
    attacker = _target_helper(getattr(strategy, "attacker", None))
    if attacker is not None:
        helpers["attacker"] = attacker
    judge = _judge_helper(getattr(strategy, "judge", None))
    if judge is not None:
        helpers["judge"] = judge
    return ComponentSpec(
        group=ATTACKS,
        name=name,
        role="strategy",
        version=_version(strategy),
        params=dict(_plain(params)) if isinstance(params, BaseModel) else {},
        helpers=helpers,
    )


def converter_spec(text: str) -> ComponentSpec:
    """The spec of a converter from its chain entry (`name:key=value,...`)."""
    name, params = parse_spec(text)
    return ComponentSpec(group=ATTACKS, name=name, role="converter", version=__version__, params=params)


def technique_spec(name: str, params: Mapping[str, Any] | None = None) -> ComponentSpec:
    """The spec of a technique by name, with its step's parameters."""
    return ComponentSpec(
        group=ATTACKS, name=name, role="technique", version=__version__, params=dict(params or {})
    )


def round_components(spec: RoundSpec) -> RoundComponents:
    """The specs of what a round runs: scorers, strategies, loops, its steps' techniques and converters."""
    steps: Iterable[Any] = (spec.cases_source or {}).get("steps") or ()
    techniques: dict[str, ComponentSpec] = {}
    converters: dict[str, ComponentSpec] = {}
    for step in steps:
        if not isinstance(step, Mapping) or not isinstance(step.get("technique"), str):
            continue
        techniques.setdefault(step["technique"], technique_spec(step["technique"], step.get("params")))
        for entry in step.get("converters") or ():
            converters.setdefault(str(entry), converter_spec(str(entry)))
    return RoundComponents(
        scorers=tuple(scorer_spec(s) for s in spec.scorers),
        strategies=tuple(strategy_spec(n, s) for n, s in sorted(spec.strategies.items())),
        loops=tuple(loop_spec(spec.loops[n]) for n in sorted(spec.loops)),
        techniques=tuple(techniques.values()),
        converters=tuple(converters.values()),
    )


def components_of(config: Mapping[str, Any]) -> RoundComponents:
    """A round's component specs from its configuration; rounds stored before specs get them from names."""
    stored = config.get("components")
    if isinstance(stored, Mapping):
        try:
            return RoundComponents.model_validate(stored)
        except ValidationError as exc:
            raise ConfigError(f"the round's component specs do not read: {exc.errors()[0]['msg']}") from None
    scorers = []
    for entry in config.get("scorers") or ():
        name = entry["name"] if isinstance(entry, Mapping) else str(entry)
        version = str(entry.get("version", "")) if isinstance(entry, Mapping) else ""
        scorers.append(ComponentSpec(group=SCORERS, name=name, role="scorer", version=version))
    return RoundComponents(
        scorers=tuple(scorers),
        strategies=tuple(
            ComponentSpec(group=ATTACKS, name=str(n), role="strategy") for n in config.get("strategies") or ()
        ),
        loops=tuple(
            ComponentSpec(group=ATTACKS, name=str(n), role="loop") for n in config.get("loops") or ()
        ),
    )


# ---- building components from specs ----------------------------------------------------------------


def technique(name: str) -> Technique:
    """The registered technique of that name (typed; the error lists the registered names)."""
    from redline.attacks.registry import get_technique

    return get_technique(name)


def converter(spec: ComponentSpec | str) -> AnyConverter:
    """A converter from its spec or chain entry."""
    if isinstance(spec, str):
        return build_converter(spec)
    from redline.attacks.registry import converter_classes

    cls = converter_classes().get(spec.name)
    if cls is None:
        raise ConfigError(f"no converter named '{spec.name}' (known: {', '.join(converter_classes())})")
    try:
        params = cls.Params.model_validate(spec.params)
    except ValidationError as exc:
        raise ConfigError(f"converter '{spec.name}': {exc.errors()[0]['msg']}") from None
    built: AnyConverter = cls(params)
    return built


def _judge_param(factory: type) -> str | None:
    takes = inspect.signature(factory).parameters
    for name in ("judge", "judges"):
        param = takes.get(name)
        if param is not None and param.default is inspect.Parameter.empty:
            return name
    return None


def scorer(spec: ComponentSpec, *, judge: Target | None = None) -> Scorer:
    """A scorer from its spec: with its recorded parameters where it takes them, else its defaults.

    A scorer that needs a judge model is given `judge`; without one it cannot be built (an error:
    scoring a re-run with fewer scorers than the original would not compare like with like).
    """
    factory = plugins.load(SCORERS, spec.name)
    if not isinstance(factory, type):
        built: Any = factory
    else:
        options: dict[str, Any] = {}
        need = _judge_param(factory)
        if need is not None:
            if judge is None:
                raise ConfigError(
                    f"scorer '{spec.name}' needs a judge model; set `judge: <system>` in redline.yaml"
                )
            options[need] = [judge] if need == "judges" else judge
        built = None
        for params in (spec.params, {}):
            try:
                built = factory(**params, **options)
                break
            except (TypeError, ValueError):
                continue
        if built is None:
            raise ConfigError(f"scorer '{spec.name}' cannot be built with its recorded parameters")
    if not isinstance(built, Scorer):
        raise ConfigError(f"plugin '{spec.name}' in {SCORERS} is not a scorer (score, score_batch)")
    return built


def scorers(specs: Sequence[ComponentSpec], *, judge: Target | None = None) -> list[Scorer]:
    """Scorers from their specs (each name once, in order)."""
    seen: dict[str, Scorer] = {}
    for spec in specs:
        if spec.name not in seen:
            seen[spec.name] = scorer(spec, judge=judge)
    return list(seen.values())


def _system_of(models: HelperModels, helper: HelperSpec | None, role: str) -> Target | None:
    """The helper model named by `helper`, through `models` (which may hand given targets instead)."""
    name = helper.system if helper is not None and models.settings is not None else None
    return models.attacker(name) if role == "attacker" else models.judge(name)


def _judge_of(models: HelperModels, helper: HelperSpec | None) -> Target | Scorer:
    if helper is not None and helper.scorer is not None and models.judge() is None:
        return scorer(helper.scorer)
    found = _system_of(models, helper, "judge")
    if found is not None:
        return found
    return scorer(ComponentSpec(group=SCORERS, name="refusal", role="scorer"))


def loop(spec: ComponentSpec, *, models: HelperModels) -> CaseLoop:
    """A loop from its spec: the technique, with the attacker and judge it ran with, from `models`."""
    helpers = spec.helpers
    return build_loop(
        spec.name,
        attacker=_system_of(models, helpers.get("attacker"), "attacker"),
        judge=_judge_of(models, helpers.get("judge")),
    )


def strategy(
    spec: ComponentSpec, *, models: HelperModels, case: AttackCase | None = None
) -> MultiTurnStrategy | None:
    """A multi-turn strategy from its spec (parameters from the spec, else the case); None if it has none."""
    cls = plugins.load(ATTACKS, spec.name)
    make = getattr(cls, "strategy", None)
    if not callable(make):
        return None
    instance = cls() if isinstance(cls, type) else cls
    model: type[BaseModel] = cls.Params
    raw = spec.params or (case.params if case is not None else {})
    params = model.model_validate({k: v for k, v in raw.items() if k in model.model_fields})
    judge = models.judge() if "judge" in spec.helpers else None
    built: MultiTurnStrategy = instance.strategy(
        params, attacker=_system_of(models, spec.helpers.get("attacker"), "attacker"), judge=judge
    )
    return built


@dataclass(frozen=True)
class Rebuilt:
    """What a re-run needs to run cases as the original round did."""

    scorers: list[Scorer]
    strategies: dict[str, MultiTurnStrategy] = field(default_factory=dict)
    loops: dict[str, CaseLoop] = field(default_factory=dict)


def rebuild(
    components: RoundComponents,
    cases: Sequence[AttackCase],
    *,
    models: HelperModels,
    scorers_given: Sequence[Scorer] | None = None,
) -> Rebuilt:
    """The scorers, strategies and loops of `components` that `cases` need, built again."""
    used = {c.technique for c in cases}
    judge = models.judge()
    built_scorers = (
        list(scorers_given) if scorers_given is not None else scorers(components.scorers, judge=judge)
    )
    loops = {s.name: loop(s, models=models) for s in components.loops if s.name in used}
    strategies: dict[str, MultiTurnStrategy] = {}
    for spec in components.strategies:
        if spec.name not in used or spec.name in loops:
            continue
        first = next(c for c in cases if c.technique == spec.name)
        made = strategy(spec, models=models, case=first)
        if made is not None:
            strategies[spec.name] = made
    return Rebuilt(scorers=built_scorers, strategies=strategies, loops=loops)


def technique_known(name: str) -> bool:
    """Whether a technique of that name is registered."""
    from redline.attacks.registry import technique_classes

    return name in technique_classes()


def runs_as_loop(name: str) -> bool:
    """Whether the technique registered as `name` runs as a loop (unknown names: no)."""
    try:
        return is_loop(plugins.load(ATTACKS, name))
    except ConfigError:
        return False
