"""Progress events for the CLI and the web app: counters, throttled snapshots and an async broadcaster."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class EventKind(StrEnum):
    """What happened to a round."""

    STARTED = "started"
    PROGRESS = "progress"
    STOPPED = "stopped"
    INTERRUPTED = "interrupted"
    FINISHED = "finished"
    FAILED = "failed"


class ProgressSnapshot(BaseModel):
    """Counters of one invocation of a round at one moment."""

    model_config = ConfigDict(frozen=True)

    cases_total: int | None = Field(default=None, description="Cases in the round, when known.")
    cases_skipped: int = Field(default=0, description="Cases already complete from an earlier run.")
    cases_done: int = Field(default=0, description="Cases completed by this invocation.")
    attempts: int = Field(default=0, description="Attempts stored by this invocation.")
    cached: int = Field(default=0, description="Attempts answered from the response cache.")
    errors: dict[str, int] = Field(default_factory=dict, description="Error outcomes by kind.")
    requests: int = Field(default=0, description="Requests sent to the target, retries included.")
    retries: int = Field(default=0, description="Requests that were retries.")
    rate_limited: int = Field(default=0, description="Answers that were 429 rate limits.")
    tokens: int = Field(default=0, description="Prompt plus completion tokens.")
    cost: float = Field(default=0.0, description="Cost at the configured prices.")
    in_flight: int = Field(default=0, description="Requests waiting for the target now.")
    concurrency_limit: int = Field(default=0, description="Current adaptive concurrency limit.")
    paused: int = Field(
        default=0, description="1 when the target stopped answering and the round was paused (per worker)."
    )
    elapsed_s: float = Field(default=0.0, description="Seconds since this invocation started.")

    @property
    def error_count(self) -> int:
        """All error outcomes together."""
        return sum(self.errors.values())


class ProgressEvent(BaseModel):
    """One event of a round, with a snapshot of its counters."""

    model_config = ConfigDict(frozen=True)

    kind: EventKind
    round_id: str
    at: float = Field(description="Unix time of the event.")
    snapshot: ProgressSnapshot
    message: str = ""


EventSink = Callable[[ProgressEvent], None]


@dataclass
class RunCounters:
    """Mutable counters of one invocation; the engine updates them, snapshots leave as events."""

    cases_total: int | None = None
    cases_skipped: int = 0
    cases_done: int = 0
    attempts: int = 0
    cached: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    requests: int = 0
    retries: int = 0
    rate_limited: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float = 0.0
    in_flight: int = 0
    concurrency_limit: int = 0
    paused: int = 0
    started: float = field(default_factory=time.monotonic)

    def add_error(self, kind: str) -> None:
        """Count one error outcome."""
        self.errors[kind] = self.errors.get(kind, 0) + 1

    def snapshot(self) -> ProgressSnapshot:
        """The counters as an immutable record."""
        return ProgressSnapshot(
            cases_total=self.cases_total,
            cases_skipped=self.cases_skipped,
            cases_done=self.cases_done,
            attempts=self.attempts,
            cached=self.cached,
            errors=dict(self.errors),
            requests=self.requests,
            retries=self.retries,
            rate_limited=self.rate_limited,
            tokens=self.prompt_tokens + self.completion_tokens,
            cost=round(self.cost, 6),
            in_flight=self.in_flight,
            concurrency_limit=self.concurrency_limit,
            paused=self.paused,
            elapsed_s=round(time.monotonic() - self.started, 3),
        )


class Reporter:
    """Sends events to a sink, throttling PROGRESS snapshots to at most one per `interval_s`."""

    def __init__(self, round_id: str, counters: RunCounters, sink: EventSink | None, *, interval_s: float):
        self.round_id = round_id
        self.counters = counters
        self._sink = sink
        self._interval = interval_s
        self._last = 0.0

    def emit(self, kind: EventKind, message: str = "") -> None:
        """Send one event now."""
        if self._sink is None:
            return
        self._last = time.monotonic()
        self._sink(
            ProgressEvent(
                kind=kind,
                round_id=self.round_id,
                at=time.time(),
                snapshot=self.counters.snapshot(),
                message=message,
            )
        )

    def tick(self) -> None:
        """Send a PROGRESS event if the last one is older than the interval."""
        if self._sink is not None and time.monotonic() - self._last >= self._interval:
            self.emit(EventKind.PROGRESS)


class Broadcaster:
    """Fans events out to async subscribers (the web app); a slow subscriber loses old events, never blocks.

    `publish` may be called from any thread: each subscriber's queue is fed on its own event loop.
    """

    def __init__(self, *, maxsize: int = 256) -> None:
        self._maxsize = maxsize
        self._subs: list[tuple[asyncio.AbstractEventLoop, asyncio.Queue[ProgressEvent | None]]] = []
        self._closed = False

    def publish(self, event: ProgressEvent) -> None:
        """Deliver an event to every subscriber; usable as an `EventSink`."""
        for loop, queue in list(self._subs):
            self._call(loop, self._put, queue, event)

    def close(self) -> None:
        """End every subscription after the events already queued."""
        self._closed = True
        for loop, queue in list(self._subs):
            self._call(loop, self._put, queue, None)

    async def subscribe(self) -> AsyncIterator[ProgressEvent]:
        """Events from now on, until the broadcaster closes."""
        queue: asyncio.Queue[ProgressEvent | None] = asyncio.Queue(maxsize=self._maxsize + 1)
        entry = (asyncio.get_running_loop(), queue)
        self._subs.append(entry)
        try:
            if self._closed:
                return
            while (event := await queue.get()) is not None:
                yield event
        finally:
            self._subs.remove(entry)

    @staticmethod
    def _call(
        loop: asyncio.AbstractEventLoop,
        fn: Callable[[asyncio.Queue[ProgressEvent | None], ProgressEvent | None], None],
        queue: asyncio.Queue[ProgressEvent | None],
        event: ProgressEvent | None,
    ) -> None:
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            fn(queue, event)
        elif not loop.is_closed():
            loop.call_soon_threadsafe(fn, queue, event)

    def _put(self, queue: asyncio.Queue[ProgressEvent | None], event: ProgressEvent | None) -> None:
        if event is not None and queue.qsize() >= self._maxsize:
            queue.get_nowait()  # drop the oldest: progress snapshots supersede each other
        queue.put_nowait(event)
