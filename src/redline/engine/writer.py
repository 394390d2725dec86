"""Stream cases, attempts, scores and cache entries to the store in batches, from a thread of its own.

Each flush is one transaction, so a killed process loses at most the batch in memory, and the unique
(round, case, turn) key makes the re-run of those attempts safe. The event loop only enqueues.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from redline.core.errors import StoreError
from redline.core.runs.cases import AttackCase
from redline.core.runs.rounds import Attempt
from redline.core.runs.scores import Score
from redline.engine.spec import Batching
from redline.store.repos import cache as cache_repo
from redline.store.repos import rounds as rounds_repo
from redline.store.session import JsonText, Store


@dataclass(frozen=True)
class AttemptRecord:
    """An attempt with its scores, and the cache key to store its answer under (None: do not cache)."""

    attempt: Attempt
    scores: tuple[Score, ...] = ()
    cache_key: str | None = None


@dataclass(frozen=True)
class _Cases:
    round_id: str
    cases: Sequence[AttackCase]
    start: int


@dataclass(frozen=True)
class _Barrier:
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[None]


_STOP = object()


class BatchWriter:
    """Collects records on the event loop and hands them to a writer thread a batch at a time.

    The hand-over happens every `batching.attempts` attempts or `batching.ms` milliseconds, so the
    thread wakes once per batch (not once per attempt) and each batch is one transaction.
    """

    def __init__(self, store: Store, *, batching: Batching) -> None:
        self.store = store
        self.batching = batching
        self.flushes = 0
        self.written = 0
        self.error: BaseException | None = None
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="redline-writer", daemon=True)
        self._pending: list[_Cases | AttemptRecord] = []
        self._pending_attempts = 0
        self._timer: asyncio.TimerHandle | None = None
        self._max_queued = 8

    def start(self) -> BatchWriter:
        """Start the thread."""
        self._thread.start()
        return self

    def add_cases(self, round_id: str, cases: Sequence[AttackCase], *, start: int) -> None:
        """Queue a batch of planned cases (recorded before the attempts queued after them)."""
        self.raise_if_failed()
        self._pending.append(_Cases(round_id, list(cases), start))
        self._schedule()

    def add(self, record: AttemptRecord) -> None:
        """Queue an attempt with its scores."""
        self.raise_if_failed()
        self._pending.append(record)
        self._pending_attempts += 1
        if self._pending_attempts >= self.batching.attempts:
            self._handoff()
        else:
            self._schedule()

    async def add_async(self, record: AttemptRecord) -> None:
        """Queue an attempt, waiting while the thread is far behind (memory stays bounded)."""
        while self._queue.qsize() > self._max_queued:
            self.raise_if_failed()
            await asyncio.sleep(0.005)
        self.add(record)

    async def flush(self) -> None:
        """Wait until everything queued so far is committed."""
        self.raise_if_failed()
        self._handoff()
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        self._queue.put(_Barrier(loop, future))
        await future

    def close(self) -> None:
        """Commit what is queued and stop the thread (safe to call twice)."""
        if self._thread.is_alive():
            self._handoff()
            self._queue.put(_STOP)
            self._thread.join()

    def raise_if_failed(self) -> None:
        """Raise StoreError if a flush failed."""
        if self.error is not None:
            raise StoreError(f"results could not be written to the store: {self.error}")

    def _schedule(self) -> None:
        if self._timer is None:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                return  # no loop (closing): close() hands over what is pending
            self._timer = loop.call_later(self.batching.ms / 1000, self._handoff)

    def _handoff(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._pending:
            self._queue.put(self._pending)
            self._pending = []
            self._pending_attempts = 0

    def _run(self) -> None:
        stop = False
        while not stop:
            items: list[_Cases | AttemptRecord] = []
            barriers: list[_Barrier] = []
            item = self._queue.get()
            while True:  # take every batch already waiting: one transaction for all of them
                if item is _STOP:
                    stop = True
                elif isinstance(item, _Barrier):
                    barriers.append(item)
                elif isinstance(item, list):
                    items.extend(item)
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
            self._flush(items)
            for barrier in barriers:
                self._signal(barrier)

    def _flush(self, items: list[_Cases | AttemptRecord]) -> None:
        if self.error is not None or not items:
            return
        records = [r for r in items if isinstance(r, AttemptRecord)]
        try:
            with self.store.session() as session:
                for batch in items:
                    if isinstance(batch, _Cases):
                        rounds_repo.add_cases(session, batch.round_id, batch.cases, start=batch.start)
                rounds_repo.add_attempts(session, [r.attempt for r in records])
                rounds_repo.add_scores(session, [(r.attempt, s) for r in records for s in r.scores])
                entries: list[tuple[str, dict[str, Any] | JsonText]] = [
                    (r.cache_key, JsonText(r.attempt.response.model_dump_json()))
                    for r in records
                    if r.cache_key is not None
                ]
                cache_repo.put_many(session, entries)
            self.flushes += 1
            self.written += len(records)
        except Exception as exc:  # reported to the event loop through raise_if_failed and the barriers
            self.error = exc

    def _signal(self, barrier: _Barrier) -> None:
        def settle() -> None:
            if barrier.future.done():
                return
            if self.error is not None:
                barrier.future.set_exception(StoreError(f"results could not be written: {self.error}"))
            else:
                barrier.future.set_result(None)

        if not barrier.loop.is_closed():
            barrier.loop.call_soon_threadsafe(settle)
