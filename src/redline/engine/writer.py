"""Stream cases, attempts, scores and cache entries to the store in batches, from a thread of its own.

Each flush is one transaction, so a killed process loses at most the batch in memory, and the unique
(round, case, turn) key makes the re-run of those attempts safe. The event loop only enqueues.
"""

from __future__ import annotations

import asyncio
import queue
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from redline.core.cases import AttackCase
from redline.core.errors import StoreError
from redline.core.rounds import Attempt
from redline.core.scores import Score
from redline.engine.spec import Batching
from redline.store.repos import cache as cache_repo
from redline.store.repos import rounds as rounds_repo
from redline.store.session import Store


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
    """A writer thread: flushes every `batching.attempts` attempts or `batching.ms` milliseconds."""

    def __init__(self, store: Store, *, batching: Batching) -> None:
        self.store = store
        self.batching = batching
        self.flushes = 0
        self.written = 0
        self.error: BaseException | None = None
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="redline-writer", daemon=True)
        self._high_water = max(4 * batching.attempts, 1024)

    def start(self) -> BatchWriter:
        """Start the thread."""
        self._thread.start()
        return self

    def add_cases(self, round_id: str, cases: Sequence[AttackCase], *, start: int) -> None:
        """Queue a batch of planned cases (recorded before the attempts queued after them)."""
        self.raise_if_failed()
        self._queue.put(_Cases(round_id, cases, start))

    def add(self, record: AttemptRecord) -> None:
        """Queue an attempt with its scores."""
        self.raise_if_failed()
        self._queue.put(record)

    async def add_async(self, record: AttemptRecord) -> None:
        """Queue an attempt, yielding to the writer while it is far behind (memory stays bounded)."""
        while self._queue.qsize() > self._high_water:
            self.raise_if_failed()
            await asyncio.sleep(0.005)
        self.add(record)

    async def flush(self) -> None:
        """Wait until everything queued so far is committed."""
        self.raise_if_failed()
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        self._queue.put(_Barrier(loop, future))
        await future

    def close(self) -> None:
        """Commit what is queued and stop the thread (safe to call twice)."""
        if self._thread.is_alive():
            self._queue.put(_STOP)
            self._thread.join()

    def raise_if_failed(self) -> None:
        """Raise StoreError if a flush failed."""
        if self.error is not None:
            raise StoreError(f"results could not be written to the store: {self.error}")

    def _run(self) -> None:
        cases: list[_Cases] = []
        records: list[AttemptRecord] = []
        barriers: list[_Barrier] = []
        deadline: float | None = None
        limit_s = self.batching.ms / 1000
        stop = False
        while not stop:
            timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                item = self._queue.get(timeout=timeout)
            except queue.Empty:
                item = None
            if item is _STOP:
                stop = True
            elif isinstance(item, AttemptRecord):
                records.append(item)
            elif isinstance(item, _Cases):
                cases.append(item)
            elif isinstance(item, _Barrier):
                barriers.append(item)
            if deadline is None and (records or cases):
                deadline = time.monotonic() + limit_s
            due = deadline is not None and time.monotonic() >= deadline
            if stop or barriers or due or len(records) >= self.batching.attempts:
                self._flush(cases, records)
                for barrier in barriers:
                    self._signal(barrier)
                cases, records, barriers, deadline = [], [], [], None

    def _flush(self, cases: list[_Cases], records: list[AttemptRecord]) -> None:
        if self.error is not None or not (cases or records):
            return
        try:
            with self.store.session() as session:
                for batch in cases:
                    rounds_repo.add_cases(session, batch.round_id, batch.cases, start=batch.start)
                rounds_repo.add_attempts(session, [r.attempt for r in records])
                rounds_repo.add_scores(session, [(r.attempt, s) for r in records for s in r.scores])
                entries: list[tuple[str, dict[str, Any]]] = [
                    (r.cache_key, r.attempt.response.model_dump(mode="json"))
                    for r in records
                    if r.cache_key is not None
                ]
                cache_repo.put_many(session, entries)
            self.flushes += 1
            self.written += len(records)
        except Exception as exc:  # reported to the event loop through _check and the barriers
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
