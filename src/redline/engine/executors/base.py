"""What an executor receives, and how any worker (local or on a cluster) builds its run context."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from typing import Protocol

from redline.attacks.base import MultiTurnStrategy
from redline.config.settings import TargetConfig
from redline.core.provenance import Provenance
from redline.core.runs.conversation import GenerationParams
from redline.engine.cache import CacheKeyer, ResponseCache
from redline.engine.events import Reporter, RunCounters
from redline.engine.loops import CaseLoop
from redline.engine.overrides import TargetVariants
from redline.engine.pipeline import CaseFeed
from redline.engine.runner import Finisher, RunContext
from redline.engine.scheduler import BudgetMeter, TargetScheduler
from redline.engine.scoring import Scoring
from redline.engine.spec import Batching, Budget, Pacing, Pricing
from redline.engine.writer import BatchWriter
from redline.scorers.base import Scorer
from redline.store.session import Store
from redline.targets.base import Target


@dataclass(frozen=True)
class WorkerSpec:
    """Everything a worker needs to run cases of a round; picklable, so Ray can ship it to a node.

    With Ray, a target given as configuration is rebuilt on each worker (its secrets come from that
    worker's environment); a target object, the scorers and the strategies travel pickled.
    """

    round_id: str
    database_url: str
    target: Target | TargetConfig
    target_name: str
    target_fingerprint: str
    scorers: tuple[Scorer, ...]
    strategies: Mapping[str, MultiTurnStrategy]
    params: GenerationParams
    pacing: Pacing
    budget: Budget
    pricing: Pricing | None
    batching: Batching
    seed: int
    use_cache: bool
    provenance: Provenance
    loops: Mapping[str, CaseLoop] = field(default_factory=dict)

    def share(self, index: int, of: int) -> WorkerSpec:
        """The spec for worker `index` of `of`: concurrency, rate limits and budgets split between them."""
        if of <= 1:
            return self
        p, b = self.pacing, self.budget
        pacing = replace(
            p,
            concurrency=max(1, p.concurrency // of + (1 if index < p.concurrency % of else 0)),
            requests_per_minute=p.requests_per_minute / of if p.requests_per_minute else None,
            tokens_per_minute=p.tokens_per_minute / of if p.tokens_per_minute else None,
        )
        budget = Budget(
            max_requests=-(-b.max_requests // of) if b.max_requests is not None else None,
            max_tokens=-(-b.max_tokens // of) if b.max_tokens is not None else None,
            max_cost=b.max_cost / of if b.max_cost is not None else None,
        )
        return replace(self, pacing=pacing, budget=budget, seed=self.seed + 7919 * index)


@dataclass(frozen=True)
class Job:
    """One invocation of a round handed to an executor (the driver side)."""

    worker: WorkerSpec
    feed: CaseFeed
    target: Target
    store: Store
    counters: RunCounters
    reporter: Reporter


class Executor(Protocol):
    """Runs the cases of a job and returns the reason it stopped early (a budget), or None."""

    name: str

    async def execute(self, job: Job) -> str | None:
        """Run every case of the job's feed."""
        ...


@asynccontextmanager
async def open_context(
    spec: WorkerSpec,
    *,
    target: Target,
    store: Store,
    counters: RunCounters,
    reporter: Reporter,
) -> AsyncIterator[RunContext]:
    """A run context with a started writer; leaving it drains batched scorers and commits every record."""
    meter = BudgetMeter(spec.budget, spec.pricing, counters)
    scheduler = TargetScheduler(target, pacing=spec.pacing, counters=counters, meter=meter, seed=spec.seed)
    writer = BatchWriter(store, batching=spec.batching).start()
    cache = ResponseCache(store, CacheKeyer(spec.target_fingerprint, spec.params), read=spec.use_cache)
    scoring = Scoring(spec.scorers)
    ctx = RunContext(
        round_id=spec.round_id,
        store=store,
        scheduler=scheduler,
        scoring=scoring,
        writer=writer,
        cache=cache,
        write_cache=spec.use_cache,
        params=spec.params,
        strategies=spec.strategies,
        counters=counters,
        reporter=reporter,
        provenance=spec.provenance,
        finisher=Finisher(limit=2 * spec.pacing.concurrency + 2 * scoring.batch_capacity),
        loops=spec.loops,
        variants=TargetVariants(target),
    )
    try:
        yield ctx
        await ctx.finisher.drain()
        await ctx.scoring.drain()
        await writer.flush()
    finally:
        ctx.finisher.cancel()
        writer.close()
    writer.raise_if_failed()


def worker_count(pacing: Pacing) -> int:
    """Workers for one context: one per request in flight (scoring happens beside them)."""
    return pacing.concurrency
