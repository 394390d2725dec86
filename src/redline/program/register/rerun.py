"""Re-run stored cases against a release through the engine, with the original scorers and parameters."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from redline.config.settings import Settings
from redline.core.errors import ConfigError
from redline.core.runs.cases import AttackCase
from redline.core.runs.conversation import GenerationParams
from redline.core.runs.rounds import Round
from redline.core.runs.systems import Release
from redline.program.aio import run_sync
from redline.store.session import Store

if TYPE_CHECKING:
    from redline.engine.models import HelperModels
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


async def rerun_async(
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
    models: HelperModels | None = None,
    seed: int | None = None,
) -> RoundResult:
    """Run `cases` against `release` with the original round's seed, parameters and components.

    Scorers, multi-turn strategies and loops (PAIR, TAP, Crescendo, white-box searches) are rebuilt
    from the round's component specs, with the attacker and judge models of `models` (the workspace's
    by default), so a loop case runs its loop again rather than its opening request. `seed` replaces
    the round seed (fresh variants run under a new one).
    """
    from redline.engine import components
    from redline.engine.models import HelperModels
    from redline.engine.round import run_round
    from redline.engine.spec import RoundSpec
    from redline.program.register.releases import target_config_of

    helpers = models if models is not None else HelperModels(settings)
    specs = components.components_of(original.config)
    if scorers is None and not specs.scorers:
        raise ConfigError(f"round {original.id} records no scorers, so its cases cannot be scored again")
    built = components.rebuild(specs, cases, models=helpers, scorers_given=scorers)
    params = GenerationParams.model_validate(original.config.get("params") or {})
    if seed is not None:
        params = params.model_copy(update={"seed": seed})
    spec = RoundSpec(
        target=target if target is not None else target_config_of(release),
        cases=list(cases),
        target_name=system,
        cases_source={**purpose, "original_round": original.id, "cases": [c.id for c in cases]},
        cases_total=len(cases),
        scorers=tuple(built.scorers),
        helpers=helpers.owned,
        strategies=built.strategies,
        loops=built.loops,
        params=params,
        seed=original.seed if seed is None else seed,
        plan_id=original.plan_id,
        adhoc=original.adhoc or original.plan_id is None,
        release_id=release.id,
    )
    return await run_round(spec, settings=settings, store=store)


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
    models: HelperModels | None = None,
    seed: int | None = None,
) -> RoundResult:
    """`rerun_async` from synchronous code (the CLI), inside a running event loop or not."""
    return run_sync(
        rerun_async(
            store,
            settings,
            original=original,
            cases=cases,
            release=release,
            system=system,
            purpose=purpose,
            target=target,
            scorers=scorers,
            models=models,
            seed=seed,
        )
    )
