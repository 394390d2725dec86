"""The case pipeline: read cases lazily in chunks, record them, prefetch cached answers, feed the workers."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from typing import Any

from redline.attacks.base import MultiTurnStrategy
from redline.core.runs.cases import AttackCase
from redline.core.runs.conversation import Response
from redline.engine.checkpoint import DoneState
from redline.engine.runner import CaseRunner, RunContext, WorkItem
from redline.engine.scheduler import BudgetReached


class CaseFeed:
    """Reads cases once, in chunks: drops repeats, skips cases an earlier run finished, records the rest.

    `record(cases, start)` is called once per chunk with every new case (finished ones included, so a
    resumed round's case list is complete); only the chunk's unfinished cases become work items.
    """

    def __init__(
        self,
        cases: Iterable[AttackCase],
        *,
        done: DoneState,
        strategies: Mapping[str, MultiTurnStrategy],
        chunk: int,
        on_skip: Callable[[int], None] | None = None,
        loops: Collection[str] = (),
    ) -> None:
        self._cases = cases
        self._done = done
        self._strategies = strategies
        self._loops = frozenset(loops)
        self._chunk = max(1, chunk)
        self._on_skip = on_skip
        self.total = 0
        self.exhausted = False

    def chunks(self, record: Callable[[Sequence[AttackCase], int], None]) -> Iterator[list[WorkItem]]:
        """Chunks of work items, recording each chunk's cases before it is handed out."""
        seen: set[str] = set()
        batch: list[AttackCase] = []
        for case in self._cases:
            if case.id in seen:
                continue
            seen.add(case.id)
            batch.append(case)
            if len(batch) >= self._chunk:
                yield self._emit(batch, record)
                batch = []
        if batch:
            yield self._emit(batch, record)
        self.exhausted = True

    def _emit(
        self, batch: list[AttackCase], record: Callable[[Sequence[AttackCase], int], None]
    ) -> list[WorkItem]:
        record(batch, self.total)
        self.total += len(batch)
        items: list[WorkItem] = []
        skipped = 0
        for case in batch:
            last = self._done.last_turn.get(case.id)
            looping = case.technique in self._loops  # the loop decides from its stored turns
            if (
                last is not None
                and not looping
                and (case.turns <= 1 or case.technique not in self._strategies)
            ):
                skipped += 1
                continue
            items.append(WorkItem(case, last))
        if skipped and self._on_skip is not None:
            self._on_skip(skipped)
        return items


async def process(ctx: RunContext, chunks: Iterable[Sequence[WorkItem]], *, workers: int) -> None:
    """Run every work item with `workers` concurrent workers; stops feeding once a budget is reached.

    Cached answers for each chunk's first turns are fetched in one query before the chunk is queued.
    Returns when every queued item is done; the first unexpected error cancels the rest and is raised.
    """
    queue: asyncio.Queue[tuple[WorkItem, Response | None] | None] = asyncio.Queue(maxsize=2 * workers)
    runner = CaseRunner(ctx)
    keyer = ctx.cache.keyer
    read = ctx.cache.read

    async def feed() -> None:
        try:
            for chunk in chunks:
                if ctx.scheduler.meter.reason is not None:
                    break
                hits: dict[str, Response] = {}
                keys: dict[str, str] = {}
                if read:
                    keys = {
                        w.case.id: keyer.key(w.case.conversation)
                        for w in chunk
                        if w.last_turn is None and w.case.technique not in ctx.loops
                    }
                    hits = await ctx.cache.lookup(list(keys.values()))
                for item in chunk:
                    key = keys.get(item.case.id)
                    await queue.put((item, hits.get(key) if key else None))
                await asyncio.sleep(0)  # let workers run between chunks of a fast case source
        finally:
            task = asyncio.current_task()
            if task is None or not task.cancelling():  # cancelled: the workers are being cancelled too
                for _ in range(workers):
                    await queue.put(None)

    async def work() -> None:
        while (entry := await queue.get()) is not None:
            item, hit = entry
            try:
                await runner.run(item, prefetched=hit, looked_up=read and item.last_turn is None)
            except BudgetReached:
                continue  # left unstored: the next run picks it up

    tasks = [asyncio.create_task(feed(), name="redline-feed")]
    tasks += [asyncio.create_task(work(), name=f"redline-worker-{i}") for i in range(workers)]
    try:
        await _supervise(tasks)
        await ctx.finisher.drain()
    except BaseException:
        ctx.finisher.cancel()
        raise


async def _supervise(tasks: list[asyncio.Task[Any]]) -> None:
    try:
        done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
        failed = [t for t in done if not t.cancelled() and t.exception() is not None]
        if failed:
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
            error = failed[0].exception()
            assert error is not None
            raise error
    except asyncio.CancelledError:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
