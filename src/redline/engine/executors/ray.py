"""Scale-out on Ray: shard a round's cases across actors; each streams its attempts to the same store.

The driver reads the cases, records them and hands out chunks; every actor keeps one run context
(target, pacing, writer) across its chunks. Concurrency, rate limits and budgets are split evenly
between the actors. Resume works as with the local executor: the driver skips what is stored.
"""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from dataclasses import asdict, fields
from typing import Any

import ray

from redline.engine.events import Reporter, RunCounters
from redline.engine.executors.base import Job, WorkerSpec, open_context, worker_count
from redline.engine.pipeline import process
from redline.engine.runner import RunContext, WorkItem
from redline.engine.writer import BatchWriter

_SUMMED = tuple(
    f.name
    for f in fields(RunCounters)
    if f.name not in ("errors", "started", "cases_total", "concurrency_limit")
)


class ShardWorker:
    """A Ray actor that runs chunks of a round's cases with one long-lived run context."""

    def __init__(self, spec: WorkerSpec) -> None:
        self.spec = spec
        self.counters = RunCounters()
        self._stack = AsyncExitStack()
        self._ctx: RunContext | None = None

    async def _context(self) -> RunContext:
        if self._ctx is None:
            from redline.config.settings import TargetConfig
            from redline.engine.round import target_from_environment
            from redline.store.session import open_store

            spec = self.spec
            store = open_store(spec.database_url, migrate=False)
            self._stack.callback(store.dispose)
            if isinstance(spec.target, TargetConfig):
                target = target_from_environment(spec.target, name=spec.target_name)
                self._stack.push_async_callback(target.aclose)
            else:
                target = spec.target
            reporter = Reporter(spec.round_id, self.counters, None, interval_s=1.0)
            self._ctx = await self._stack.enter_async_context(
                open_context(spec, target=target, store=store, counters=self.counters, reporter=reporter)
            )
        return self._ctx

    async def run(self, items: list[WorkItem]) -> dict[str, Any]:
        """Run one chunk; returns this actor's counters so far and the budget that stopped it, if any."""
        ctx = await self._context()
        await process(ctx, [items], workers=worker_count(self.spec.pacing))
        await ctx.writer.flush()
        return {"counters": asdict(self.counters), "reason": ctx.scheduler.meter.reason}

    async def close(self) -> None:
        """Drain batched scorers, commit every record and release the target."""
        await self._stack.aclose()
        self._ctx = None


class RayExecutor:
    """Runs a round on a Ray cluster (`address`), or on a local Ray instance when none is given."""

    name = "ray"

    def __init__(self, *, address: str | None = None, workers: int | None = None) -> None:
        self.address = address
        self.workers = workers

    async def execute(self, job: Job) -> str | None:
        """Shard the job's cases across actors and wait for all of them."""
        if not ray.is_initialized():
            ray.init(address=self.address, include_dashboard=False, ignore_reinit_error=True)
        api: Any = ray  # Ray's decorators are typed for functions, not for actor options
        count = self.workers or max(1, int(api.cluster_resources().get("CPU", 1)))
        remote = api.remote(num_cpus=0, max_concurrency=2)(ShardWorker)
        actors = [remote.remote(job.worker.share(i, count)) for i in range(count)]
        latest: list[dict[str, Any]] = [{} for _ in actors]
        pending: dict[Any, int] = {}
        reason: str | None = None
        writer = BatchWriter(job.store, batching=job.worker.batching).start()
        round_id = job.worker.round_id
        try:
            chunks = job.feed.chunks(lambda cases, start: writer.add_cases(round_id, cases, start=start))
            for n, chunk in enumerate(chunks):
                await writer.flush()  # cases are committed before any attempt of theirs
                if reason is not None:
                    break
                if chunk:
                    pending[actors[n % count].run.remote(chunk)] = n % count
                while len(pending) >= 2 * count and reason is None:
                    reason = await self._collect(pending, latest, job)
            while pending:
                reason = await self._collect(pending, latest, job) or reason
            await asyncio.gather(*(a.close.remote() for a in actors))
        finally:
            writer.close()
            for actor in actors:
                ray.kill(actor)
        writer.raise_if_failed()
        return reason

    async def _collect(self, pending: dict[Any, int], latest: list[dict[str, Any]], job: Job) -> str | None:
        done, _ = await asyncio.to_thread(ray.wait, list(pending), num_returns=1)
        ref = done[0]
        index = pending.pop(ref)
        result: dict[str, Any] = await ref
        latest[index] = result["counters"]
        _merge(job.counters, latest)
        job.reporter.tick()
        reason: str | None = result["reason"]
        return reason


def _merge(into: RunCounters, parts: list[dict[str, Any]]) -> None:
    for name in _SUMMED:
        setattr(into, name, sum(p.get(name, 0) for p in parts))
    errors: dict[str, int] = {}
    for part in parts:
        for kind, n in part.get("errors", {}).items():
            errors[kind] = errors.get(kind, 0) + n
    into.errors = errors
    into.concurrency_limit = sum(p.get("concurrency_limit", 0) for p in parts)
