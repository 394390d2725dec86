"""Live round progress: engine events of rounds this process runs, and store snapshots for the rest."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

from starlette.concurrency import run_in_threadpool

from redline.engine.events import Broadcaster, ProgressEvent
from redline.program.dashboard import round_progress
from redline.store.session import Store

POLL_S = 1.0
MAX_STREAM_S = 3600.0


class RoundHub:
    """Broadcasters of the rounds this process runs, so pages can stream the engine's own events."""

    def __init__(self) -> None:
        self._live: dict[str, Broadcaster] = {}

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
