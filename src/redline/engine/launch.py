"""Turn what a person asked for (a system, prompts or playbooks, limits) into a RoundSpec.

The CLI's `round run` and `scan` and the web app's run form all come through here, so the same
request always makes the same spec (and so the same spec hash, which is how a re-run resumes).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from redline.config.settings import Settings, TargetConfig
from redline.core.catalog.profiles import TargetProfile
from redline.core.errors import UsageError
from redline.core.runs.conversation import GenerationParams
from redline.engine import inputs
from redline.engine.models import HelperModels
from redline.engine.offered_tools import offered_tools
from redline.engine.spec import Budget, Pacing, Pricing, RoundSpec
from redline.targets.registry import capabilities_of


@dataclass(frozen=True)
class RoundRequest:
    """The options of `redline round run`, as given (None: the workspace default)."""

    system: str
    prompts: Path | None = None
    playbooks: tuple[str, ...] = ()
    sample_size: int | None = None
    scorers: tuple[str, ...] = ()
    concurrency: int | None = None
    requests_per_minute: float | None = None
    tokens_per_minute: float | None = None
    timeout_s: float | None = None
    max_retries: int | None = None
    budget: Budget = field(default_factory=Budget)
    pricing: Pricing | None = None
    use_cache: bool = True
    resume: str | None = None
    new: bool = False
    seed: int | None = None
    release: str | None = None
    plan_id: str | None = None
    profile: TargetProfile | None = None
    """The profile to run with; None: the system's `profile:` in redline.yaml, if any."""
    sample_scale: float = 1.0
    """Multiplies each playbook step's own sample size (scan's --depth)."""


@dataclass(frozen=True)
class PreparedRound:
    """A spec ready for `run_round` or `estimate_round`, and warnings to show before it runs."""

    spec: RoundSpec
    warnings: tuple[str, ...] = ()


def generation_params(target: TargetConfig, seed: int) -> GenerationParams:
    """Generation parameters from the target's options (temperature, max_tokens, seed) where set."""
    opts = target.options
    values: dict[str, object] = {"seed": opts.get("seed", seed)}
    for key in ("temperature", "max_tokens"):
        if opts.get(key) is not None:
            values[key] = opts[key]
    return GenerationParams.model_validate(values)


def prepare_round(
    settings: Settings, request: RoundRequest, *, target: TargetConfig | None = None
) -> PreparedRound:
    """The spec for a request; `target` replaces the workspace's declared system (quick scans)."""
    if request.resume and request.new:
        raise UsageError("--resume and --new contradict each other; choose one")
    if request.prompts is not None and request.playbooks:
        raise UsageError("give --prompts or --playbook, not both")
    defaults = settings.config.defaults
    seed = defaults.seed if request.seed is None else request.seed
    config = target if target is not None else settings.config.system(request.system).target
    models = HelperModels(settings)
    profile = request.profile
    if profile is None and target is None:
        from redline.engine.profiling import system_profile

        profile = system_profile(settings, request.system)
    if request.prompts is not None:
        source = inputs.prompts_file(request.prompts)
    else:
        source = inputs.playbook_cases(
            request.playbooks or inputs.DEFAULT_PLAYBOOKS,
            workspace=settings.workspace,
            seed=seed,
            sample_size=request.sample_size,
            models=models,
            step_scorers=not request.scorers,
            profile=profile,
            scale=request.sample_scale,
            tools=offered_tools(config, where=f"target '{request.system}' ({config.kind})"),
        )
    names = request.scorers or source.scorer_names or inputs.FALLBACK_SCORERS
    scorers, problems = inputs.build_scorers(names, judge=models.judge())
    if not scorers and not request.scorers:
        fallback, more = inputs.build_scorers(inputs.FALLBACK_SCORERS)
        scorers, problems = fallback, [*problems, *more]
    if request.scorers and problems:
        raise UsageError("; ".join(problems))
    problems = [*source.warnings, *problems]
    pacing = Pacing(
        concurrency=request.concurrency or defaults.concurrency,
        requests_per_minute=request.requests_per_minute,
        tokens_per_minute=request.tokens_per_minute,
        timeout_s=request.timeout_s or defaults.timeout_s,
        max_retries=defaults.max_retries if request.max_retries is None else request.max_retries,
        pause_after_failures=defaults.pause_after_failures,
    )
    cases = source.cases
    if request.scorers:  # named scorers judge every case, whatever its playbook step asked for
        cases = (c.model_copy(update={"scorers": ()}) if c.scorers else c for c in source.cases)
    spec = RoundSpec(
        target=config,
        target_name=request.system,
        cases=cases,
        cases_source=source.description,
        cases_total=source.total,
        scorers=tuple(scorers),
        strategies=source.strategies,
        loops=source.loops,
        helpers=models.owned,
        params=generation_params(config, seed),
        pacing=pacing,
        budget=request.budget,
        pricing=request.pricing,
        seed=seed,
        plan_id=request.plan_id,
        adhoc=request.plan_id is None,
        release_version=request.release,
        use_cache=request.use_cache,
        resume=request.resume,
        auto_resume=not request.new,
        profile=profile,
    )
    pool = config.options.get("max_connections", capabilities_of(config.kind).pool)
    if pool is not None and pacing.concurrency > int(pool):
        problems.append(
            f"{request.system} ({config.kind}) pools at most {pool} connections, fewer than --concurrency "
            f"{pacing.concurrency}; set options.max_connections in redline.yaml to use them all"
        )
    return PreparedRound(spec=replace(spec, warnings=tuple(problems)), warnings=tuple(problems))
