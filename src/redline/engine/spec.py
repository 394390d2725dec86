"""What a round runs: the target, the cases, scorers, parameters, pacing and budgets, and its spec hash."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from redline.attacks.base import MultiTurnStrategy
from redline.config.settings import TargetConfig
from redline.core.catalog.profiles import TargetProfile
from redline.core.ids import content_hash
from redline.core.provenance import ModelIdentity
from redline.core.runs.cases import AttackCase
from redline.core.runs.conversation import GenerationParams
from redline.core.secrets import redact_secrets
from redline.engine.loops import CaseLoop
from redline.scorers.base import Scorer
from redline.targets.base import Target


@dataclass(frozen=True)
class Pacing:
    """How hard the engine may push one target: concurrency, rate limits, timeouts and retries."""

    concurrency: int = 8
    requests_per_minute: float | None = None
    tokens_per_minute: float | None = None
    timeout_s: float = 60.0
    max_retries: int = 6
    max_rate_limit_retries: int = 30
    backoff_base_s: float = 0.5
    backoff_max_s: float = 30.0
    pause_after_failures: int = 10
    """Connection failures and timeouts in a row (retries included) that pause the round; 0: never."""

    def __post_init__(self) -> None:
        if self.concurrency < 1:
            raise ValueError(f"concurrency must be at least 1, not {self.concurrency}")
        if self.pause_after_failures < 0:
            raise ValueError(f"pause_after_failures must be 0 or more, not {self.pause_after_failures}")
        for name in ("requests_per_minute", "tokens_per_minute"):
            value = getattr(self, name)
            if value is not None and value <= 0:
                raise ValueError(f"{name} must be positive, not {value}")


@dataclass(frozen=True)
class Pricing:
    """Prices per 1,000 tokens, used for cost estimates and the cost budget."""

    prompt_per_1k: float = 0.0
    completion_per_1k: float = 0.0

    def cost(self, prompt_tokens: int, completion_tokens: int) -> float:
        """Cost of one exchange."""
        return (prompt_tokens * self.prompt_per_1k + completion_tokens * self.completion_per_1k) / 1000


@dataclass(frozen=True)
class Budget:
    """Limits for one invocation; reaching one stops the round cleanly (STOPPED, resumable)."""

    max_requests: int | None = None
    max_tokens: int | None = None
    max_cost: float | None = None

    @property
    def limited(self) -> bool:
        """True when any limit is set."""
        return any(v is not None for v in (self.max_requests, self.max_tokens, self.max_cost))


@dataclass(frozen=True)
class Batching:
    """How the engine streams records to the store: flush every `attempts` attempts or `ms` milliseconds."""

    attempts: int = 256
    ms: float = 250.0
    cases: int = 256


@dataclass(frozen=True)
class RoundSpec:
    """Everything that defines a round. Same spec (same hash), same cases and same scores.

    `cases` is read once, lazily: it may be a generator over millions of cases. `cases_source`
    describes where they come from (a prompts file's hash, a plan id, a playbook list) and enters the
    spec hash; without it a round is only resumed by id. Without `release_id`, a round with a
    `target_name` records its release itself: the system of that name, at `release_version` or at a
    label made of the model and a fingerprint of its configuration.
    """

    target: Target | TargetConfig
    cases: Iterable[AttackCase]
    target_name: str = ""
    cases_source: Mapping[str, Any] | None = None
    cases_total: int | None = None
    scorers: Sequence[Scorer] = ()
    strategies: Mapping[str, MultiTurnStrategy] = field(default_factory=dict)
    params: GenerationParams = field(default_factory=GenerationParams)
    pacing: Pacing = field(default_factory=Pacing)
    budget: Budget = field(default_factory=Budget)
    pricing: Pricing | None = None
    batching: Batching = field(default_factory=Batching)
    seed: int = 0
    plan_id: str | None = None
    adhoc: bool = True
    release_id: str | None = None
    release_version: str | None = None
    use_cache: bool = True
    resume: str | None = None
    auto_resume: bool = True
    loops: Mapping[str, CaseLoop] = field(default_factory=dict)
    helpers: Sequence[Target] = ()
    """Attacker and judge models the round closes when it ends."""
    profile: TargetProfile | None = None
    """What the application is for (docs/profiles.md); stored with the round, enters the spec hash."""
    warnings: tuple[str, ...] = ()
    """What could not be built for the round (a scorer, a playbook step); stored with the round, not in the
    spec hash."""

    def __post_init__(self) -> None:
        if self.plan_id is None and not self.adhoc:
            raise ValueError("a round without a plan must be marked ad hoc")

    def generation_params(self) -> GenerationParams:
        """The parameters sent with each request; the round seed fills an unset generation seed."""
        if self.params.seed is None:
            return self.params.model_copy(update={"seed": self.seed})
        return self.params

    def target_config_snapshot(self) -> dict[str, Any] | None:
        """The target configuration without secrets, when the target was given as configuration."""
        if isinstance(self.target, TargetConfig):
            snapshot: dict[str, Any] = redact_secrets(self.target.model_dump(mode="json"))
            return snapshot
        return None


def target_fingerprint(spec: RoundSpec, identity: ModelIdentity) -> str:
    """Hash of what decides the target's answers: model identity and configuration (not its name)."""
    config = spec.target_config_snapshot()
    if config is None and not isinstance(spec.target, TargetConfig):
        config = {"adapter": type(spec.target).__qualname__, "fingerprint": _declared(spec.target)}
    return content_hash({"model": identity.model_dump(mode="json"), "config": config})


def _declared(target: Target) -> Any:
    fingerprint = getattr(target, "fingerprint", None)
    return fingerprint() if callable(fingerprint) else fingerprint


def spec_hash(spec: RoundSpec, *, target_fp: str) -> str | None:
    """Hash of what makes two invocations the same round; None when the cases' source is unknown.

    Pacing, budgets, the executor and the cache switch are left out: they change how a round runs,
    not what it measures, so a resumed round may use different ones.
    """
    if spec.cases_source is None:
        return None
    extra: dict[str, Any] = {}
    if spec.loops:  # only when present, so rounds without loops keep their hashes
        extra["loops"] = sorted(spec.loops)
    if spec.profile is not None:  # likewise
        extra["profile"] = spec.profile.hash()
    return content_hash(
        {
            **extra,
            "target": target_fp,
            "target_name": spec.target_name,
            "cases": dict(spec.cases_source),
            "scorers": sorted((s.name, s.version) for s in spec.scorers),
            "strategies": sorted(spec.strategies),
            "params": spec.generation_params().model_dump(mode="json"),
            "seed": spec.seed,
            "plan_id": spec.plan_id,
            "release_id": spec.release_id,
            "release_version": spec.release_version,
        }
    )
