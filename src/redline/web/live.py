"""Live round progress: engine events of rounds this process runs, and store snapshots for the rest."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator

from starlette.concurrency import run_in_threadpool

from redline.config.settings import Settings
from redline.core.errors import RedlineError
from redline.engine.events import Broadcaster, ProgressEvent
from redline.engine.spec import RoundSpec
from redline.program.workbench.dashboard import round_progress
from redline.store.session import Store

log = logging.getLogger("redline.web")

POLL_S = 1.0
MAX_STREAM_S = 3600.0


class RoundHub:
    """Broadcasters of the rounds this process runs, so pages can stream the engine's own events."""

    def __init__(self) -> None:
        self._live: dict[str, Broadcaster] = {}
        self._tasks: set[asyncio.Task[object]] = set()

    async def launch(
        self, spec: RoundSpec, *, settings: Settings, store: Store, timeout_s: float = 120.0
    ) -> str:
        """Run a round in the background of this process; returns its id once the engine has opened it."""
        from redline.engine.round import run_round

        loop = asyncio.get_running_loop()
        started: asyncio.Future[str] = loop.create_future()
        broadcaster = Broadcaster()

        def begin(round_id: str) -> None:
            if not started.done():
                started.set_result(round_id)

        def sink(event: ProgressEvent) -> None:
            self._live.setdefault(event.round_id, broadcaster)
            loop.call_soon_threadsafe(begin, event.round_id)
            broadcaster.publish(event)

        task: asyncio.Task[object] = asyncio.create_task(
            run_round(spec, settings=settings, store=store, events=sink)
        )
        self._tasks.add(task)

        def done(finished: asyncio.Task[object]) -> None:
            self._tasks.discard(finished)
            broadcaster.close()
            for round_id in [k for k, v in self._live.items() if v is broadcaster]:
                del self._live[round_id]
            failure = None if finished.cancelled() else finished.exception()
            if failure is not None:
                log.error("a round started from the workbench failed: %s", failure)
            if not started.done():
                started.set_exception(failure or RedlineError("the round ended before it started"))

        task.add_done_callback(done)
        return await asyncio.wait_for(asyncio.shield(started), timeout=timeout_s)

    async def aclose(self) -> None:
        """Cancel rounds still running here (they resume from the store when started again)."""
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    def open(self, round_id: str) -> Broadcaster:
        """A broadcaster for a round about to run (pass its `publish` as the engine's event sink)."""
        return self._live.setdefault(round_id, Broadcaster())

    def get(self, round_id: str) -> Broadcaster | None:
        """The broadcaster of a round running here, if any."""
        return self._live.get(round_id)

    def close(self, round_id: str) -> None:
        """End a round's stream."""
        found = self._live.pop(round_id, None)
        if found is not None:
            found.close()


def _sse(event: str, data: str) -> str:
    return f"event: {event}\ndata: {data}\n\n"


async def stream(store: Store, hub: RoundHub, round_id: str) -> AsyncIterator[str]:
    """Server-sent events: a store snapshot when it changes, engine events as they come, then 'end'."""
    started, last = time.monotonic(), ""
    live = hub.get(round_id)
    events = live.subscribe() if live is not None else None
    try:
        while time.monotonic() - started < MAX_STREAM_S:
            snapshot = await run_in_threadpool(round_progress, store, round_id)
            text = snapshot.model_dump_json()
            if text != last:
                yield _sse("progress", text)
                last = text
            if snapshot.finished:
                break
            if events is None:
                await asyncio.sleep(POLL_S)
                continue
            try:
                event: ProgressEvent = await asyncio.wait_for(anext(events), timeout=POLL_S)
            except TimeoutError:
                continue
            except StopAsyncIteration:
                events = None
                continue
            yield _sse("engine", event.model_dump_json())
        yield _sse("end", "{}")
    finally:
        if events is not None:
            await events.aclose()  # type: ignore[attr-defined]
