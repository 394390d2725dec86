"""The default executor: one asyncio event loop in this process, with a writer thread for the store."""

from __future__ import annotations

from redline.engine.executors.base import Job, open_context, worker_count
from redline.engine.pipeline import process


class LocalExecutor:
    """Runs every case in this process with bounded concurrency."""

    name = "local"

    async def execute(self, job: Job) -> str | None:
        """Run the job's cases; returns the budget that stopped it, or None when all ran."""
        async with open_context(
            job.worker, target=job.target, store=job.store, counters=job.counters, reporter=job.reporter
        ) as ctx:
            round_id = ctx.round_id
            chunks = job.feed.chunks(lambda cases, start: ctx.writer.add_cases(round_id, cases, start=start))
            await process(ctx, chunks, workers=worker_count(job.worker.pacing))
            return ctx.scheduler.meter.reason
