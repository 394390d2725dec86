"""Re-run stored cases against a release through the engine, with the original scorers and parameters."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from redline import plugins
from redline.core.cases import AttackCase
from redline.core.conversation import GenerationParams
from redline.core.errors import ConfigError
from redline.core.rounds import Round
from redline.core.systems import Release
from redline.settings import Settings
from redline.store.session import Store

if TYPE_CHECKING:
    from redline.attacks.base import MultiTurnStrategy
    from redline.engine.result import RoundResult
    from redline.scorers.base import Scorer
    from redline.targets.base import Target


def build_scorers(names: Sequence[str], *, judge: Target | None = None) -> list[Scorer]:
    """Scorers by registered name with their default parameters; `judge.*` scorers are given `judge`.

    A scorer that cannot be built (a judge scorer with no judge model configured) is an error here:
    re-scoring with fewer scorers than the original round would not compare like with like.
    """
    from redline.engine.inputs import build_scorers as build

    built, problems = build(names, judge=judge)
    if problems:
        raise ConfigError("; ".join(problems))
    return built


def scorer_names(rnd: Round) -> list[str]:
    """The scorers a round ran with, from its configuration snapshot."""
    entries: Any = rnd.config.get("scorers") or []
    names = [e["name"] if isinstance(e, dict) else str(e) for e in entries]
    if not names:
        raise ConfigError(f"round {rnd.id} records no scorers, so its cases cannot be scored again")
    return names


def build_strategies(cases: Sequence[AttackCase], names: Sequence[str]) -> dict[str, MultiTurnStrategy]:
    """Strategies for the multi-turn techniques among `cases` that the original round drove."""
    out: dict[str, MultiTurnStrategy] = {}
    for case in cases:
        if case.technique in out or case.technique not in names:
            continue
        technique = plugins.load("redline.attacks", case.technique)
        instance = technique() if isinstance(technique, type) else technique
        params = technique.Params.model_validate(case.params)
        out[case.technique] = instance.strategy(params)
    return out


def rerun(
    store: Store,
    settings: Settings,
    *,
    original: Round,
    cases: Sequence[AttackCase],
    release: Release,
    system: str,
    purpose: dict[str, Any],
    target: Target | None = None,
    scorers: Sequence[Scorer] | None = None,
) -> RoundResult:
    """Run `cases` against `release` with the original round's seed, parameters and scorers."""
    from redline.engine.models import HelperModels
    from redline.engine.round import run_round
    from redline.engine.spec import RoundSpec
    from redline.program.releases import target_config_of

    strategy_names = [str(s) for s in original.config.get("strategies") or []]
    models = HelperModels(settings)
    if scorers is None:
        scorers = build_scorers(scorer_names(original), judge=models.judge())
    spec = RoundSpec(
        target=target if target is not None else target_config_of(release),
        cases=list(cases),
        target_name=system,
        cases_source={**purpose, "original_round": original.id, "cases": [c.id for c in cases]},
        cases_total=len(cases),
        scorers=tuple(scorers),
        helpers=models.owned,
        strategies=build_strategies(cases, strategy_names) if strategy_names else {},
        params=GenerationParams.model_validate(original.config.get("params") or {}),
        seed=original.seed,
        plan_id=original.plan_id,
        adhoc=original.adhoc or original.plan_id is None,
        release_id=release.id,
    )
    return asyncio.run(run_round(spec, settings=settings, store=store))
