"""Replayable components: what a round ran (techniques, converters, loops, scorers, helper models) as specs.

A spec names a component's plugin group, registered name, version, parameters and the helper models
it was given (attacker, judge). A round stores the specs of its components with its configuration
(`components`), and this module is the one place that builds techniques' loops and strategies and
scorers from specs: a new round makes specs from its playbook steps and options and builds from them
(`loop_spec_for`, `strategy_spec_for`, `scorer_spec_named`), and a re-run, a replay and a verification
rebuild what ran from the stored specs instead of guessing it from names. Only this module asks the
plugin registry for techniques and scorers (`_load`); targets and notifiers have registries of their own.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from redline import __version__
from redline.attacks.base import MultiTurnStrategy, Technique, TechniqueKind
from redline.attacks.converters.chain import AnyConverter, build_converter, parse_spec
from redline.config import plugins
from redline.core.errors import ConfigError
from redline.core.runs.cases import AttackCase
from redline.engine.loops import AttackerLoop, CaseLoop, SuffixSearchLoop, is_loop, loop_of
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


# ---- the plugin registry ---------------------------------------------------------------------------


def _load(group: str, name: str) -> Any:
    """The object registered as `name` in `group` (the one call into the registry for this module)."""
    return plugins.load(group, name)


def technique_kind(name: str) -> TechniqueKind | None:
    """How the technique registered as `name` reaches the target; None for an unknown name."""
    try:
        kind = getattr(_load(ATTACKS, name), "kind", None)
        return TechniqueKind(str(kind)) if kind is not None else None
    except (ConfigError, ValueError):
        return None


def technique_known(name: str) -> bool:
    """Whether a technique of that name is registered."""
    from redline.attacks.registry import technique_classes

    return name in technique_classes()


def is_loop_technique(name: str) -> bool:
    """Whether the technique registered as `name` runs as a loop; an unknown name is an error."""
    return is_loop(_load(ATTACKS, name))


def runs_as_loop(name: str) -> bool:
    """Whether the technique registered as `name` runs as a loop (unknown names: no)."""
    try:
        return is_loop_technique(name)
    except ConfigError:
        return False


def scorer_registered(name: str) -> bool:
    """Whether a scorer name is registered (an entry point of `redline.scorers`)."""
    try:
        _load(SCORERS, name)
    except ConfigError:
        return False
    return True


def scorer_needs_judge(name: str) -> bool:
    """Whether a registered scorer cannot be built without a judge model (unknown names: no)."""
    try:
        factory = _load(SCORERS, name)
    except ConfigError:
        return False
    return isinstance(factory, type) and _judge_param(factory) is not None


# ---- specs of what a new round will build ----------------------------------------------------------


def scorer_spec_named(name: str) -> ComponentSpec:
    """The spec of a scorer chosen by name (a step's or the command line's): default parameters."""
    try:
        version = str(getattr(_load(SCORERS, name), "version", ""))
    except ConfigError:
        version = ""  # building it reports the unknown name
    return ComponentSpec(group=SCORERS, name=name, role="scorer", version=version)


def _helper(models: HelperModels, role: str, override: str | None = None) -> HelperSpec | None:
    """The helper a new component gets: the system `override` or the workspace names, else a given model."""
    settings = models.settings
    name = override
    if settings is None and override and role == "attacker":
        models.attacker(override)  # a step naming a system needs a workspace: the error says so
    if settings is not None and not name:
        name = settings.config.attacker if role == "attacker" else settings.config.judge
    if name:
        return HelperSpec(system=name)
    return _target_helper(models.attacker() if role == "attacker" else models.judge())


def loop_spec_for(name: str, *, models: HelperModels, attacker: str | None = None) -> ComponentSpec:
    """The spec of a loop technique a round runs: its attacker (`attacker`, else the workspace's) and
    judge (the workspace's judge model, else the refusal scorer steering it)."""
    technique = _load(ATTACKS, name)
    helpers: dict[str, HelperSpec] = {}
    if getattr(technique, "kind", None) is TechniqueKind.ATTACKER_LOOP:
        found = _helper(models, "attacker", attacker)
        if found is not None:
            helpers["attacker"] = found
        judge = _helper(models, "judge")
        helpers["judge"] = judge if judge is not None else HelperSpec(scorer=scorer_spec_named("refusal"))
    return ComponentSpec(group=ATTACKS, name=name, role="loop", version=_version(technique), helpers=helpers)


def strategy_spec_for(
    name: str, params: Mapping[str, Any], *, models: HelperModels, attacker: str | None = None
) -> ComponentSpec | None:
    """The spec of a multi-turn technique's strategy with a step's parameters (validated), its attacker
    (`attacker`, else the workspace's) and the judge model; None for a technique without a strategy."""
    cls = _load(ATTACKS, name)
    if not callable(getattr(cls, "strategy", None)):
        return None
    model: type[BaseModel] = cls.Params
    try:
        checked = model.model_validate(dict(params))
    except ValidationError as exc:
        raise ConfigError(f"technique '{name}': {exc.errors()[0]['msg']}") from None
    helpers: dict[str, HelperSpec] = {}
    for role, found in (
        ("attacker", _helper(models, "attacker", attacker)),
        ("judge", _helper(models, "judge")),
    ):
        if found is not None:
            helpers[role] = found
    return ComponentSpec(
        group=ATTACKS,
        name=name,
        role="strategy",
        version=_version(cls),
        params=dict(_plain(checked)),
        helpers=helpers,
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
    """'judge' or 'judges' when the scorer must be given a judge model, else None."""
    takes = inspect.signature(factory).parameters
    for name in ("judge", "judges"):
        param = takes.get(name)
        if param is not None and param.default is inspect.Parameter.empty:
            return name
    return None


_NEEDS_JUDGE = "it needs a judge model; set `judge: <system>` in redline.yaml"


def _make_scorer(spec: ComponentSpec, judge: Target | None) -> Scorer:
    """A scorer from its spec; errors (unknown name, no judge model, bad options) are raised as they come."""
    factory = _load(SCORERS, spec.name)
    built: Any = None
    if not isinstance(factory, type):
        built = factory
    else:
        options: dict[str, Any] = {}
        need = _judge_param(factory)
        if need is not None:
            if judge is None:
                raise ConfigError(_NEEDS_JUDGE)
            options[need] = [judge] if need == "judges" else judge
        if spec.params:
            try:
                built = factory(**spec.params, **options)
            except (TypeError, ValueError):
                built = None  # parameters it records but does not take: its defaults
        if built is None:
            built = factory(**options)
    if not isinstance(built, Scorer):
        raise ConfigError(f"plugin '{spec.name}' in {SCORERS} is not a scorer (score, score_batch)")
    return built


def scorer(spec: ComponentSpec, *, judge: Target | None = None) -> Scorer:
    """A scorer from its spec: with its recorded parameters where it takes them, else its defaults.

    A scorer that needs a judge model is given `judge`; without one it cannot be built (an error:
    scoring a re-run with fewer scorers than the original would not compare like with like).
    """
    try:
        return _make_scorer(spec, judge)
    except ConfigError as exc:
        if str(exc) == _NEEDS_JUDGE:
            raise ConfigError(
                f"scorer '{spec.name}' needs a judge model; set `judge: <system>` in redline.yaml"
            ) from None
        raise
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"scorer '{spec.name}' cannot be built: {exc}") from None


def scorers(specs: Sequence[ComponentSpec], *, judge: Target | None = None) -> list[Scorer]:
    """Scorers from their specs (each name once, in order)."""
    seen: dict[str, Scorer] = {}
    for spec in specs:
        if spec.name not in seen:
            seen[spec.name] = scorer(spec, judge=judge)
    return list(seen.values())


def scorers_lenient(
    specs: Sequence[ComponentSpec], *, judge: Target | None = None
) -> tuple[list[Scorer], list[str]]:
    """Scorers from their specs (each name once), and one line per scorer that could not be built
    (e.g. a judge scorer with no judge model): a new round decides whether to go on without them."""
    built: list[Scorer] = []
    problems: list[str] = []
    unique: dict[str, ComponentSpec] = {}
    for spec in specs:
        unique.setdefault(spec.name, spec)
    for spec in unique.values():
        try:
            built.append(_make_scorer(spec, judge))
        except (ConfigError, TypeError, ValueError) as exc:
            problems.append(f"scorer '{spec.name}' skipped: {exc}")
    return built, problems


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
    technique = _load(ATTACKS, spec.name)
    if not is_loop(technique):
        raise ConfigError(
            f"technique '{spec.name}' does not run as a loop (an attacker loop or a white-box search)"
        )
    if getattr(technique, "kind", None) is TechniqueKind.WHITE_BOX:  # searches weights: no helpers
        return loop_of(technique, attacker=None, judge=None)
    helpers = spec.helpers
    return loop_of(
        technique,
        attacker=_system_of(models, helpers.get("attacker"), "attacker"),
        judge=_judge_of(models, helpers.get("judge")),
    )


def strategy(
    spec: ComponentSpec, *, models: HelperModels, case: AttackCase | None = None
) -> MultiTurnStrategy | None:
    """A multi-turn strategy from its spec (parameters from the spec, else the case); None if it has none."""
    cls = _load(ATTACKS, spec.name)
    make = getattr(cls, "strategy", None)
    if not callable(make):
        return None
    instance = cls() if isinstance(cls, type) else cls
    model: type[BaseModel] = cls.Params
    raw = spec.params or (case.params if case is not None else {})
    params = model.model_validate({k: v for k, v in raw.items() if k in model.model_fields})
    judge = _system_of(models, spec.helpers["judge"], "judge") if "judge" in spec.helpers else None
    built = instance.strategy(
        params, attacker=_system_of(models, spec.helpers.get("attacker"), "attacker"), judge=judge
    )
    if not isinstance(built, MultiTurnStrategy):
        raise ConfigError(f"technique '{spec.name}' made a strategy without next_message")
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
