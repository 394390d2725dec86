"""Progress events: throttled reporting and the async broadcaster the web app subscribes to."""

from __future__ import annotations

import asyncio
import threading
import time

from redline.engine.events import Broadcaster, EventKind, ProgressEvent, Reporter, RunCounters


def _event(i: int) -> ProgressEvent:
    return ProgressEvent(
        kind=EventKind.PROGRESS, round_id="rnd_x", at=float(i), snapshot=RunCounters(attempts=i).snapshot()
    )


def test_reporter_throttles_progress_but_not_milestones() -> None:
    seen: list[ProgressEvent] = []
    counters = RunCounters()
    reporter = Reporter("rnd_x", counters, seen.append, interval_s=60)
    reporter.emit(EventKind.STARTED)
    for _ in range(100):
        counters.attempts += 1
        reporter.tick()
    reporter.emit(EventKind.FINISHED)
    assert [e.kind for e in seen] == [EventKind.STARTED, EventKind.FINISHED]
    assert seen[-1].snapshot.attempts == 100


def test_snapshot_counts_errors_and_tokens() -> None:
    counters = RunCounters(prompt_tokens=3, completion_tokens=4)
    counters.add_error("timeout")
    counters.add_error("timeout")
    snap = counters.snapshot()
    assert snap.tokens == 7 and snap.errors == {"timeout": 2} and snap.error_count == 2


def test_broadcaster_delivers_to_every_subscriber_until_closed() -> None:
    async def scenario() -> tuple[list[float], list[float]]:
        hub = Broadcaster()
        got_a: list[float] = []
        got_b: list[float] = []

        async def collect(into: list[float]) -> None:
            async for event in hub.subscribe():
                into.append(event.at)

        tasks = [asyncio.create_task(collect(got_a)), asyncio.create_task(collect(got_b))]
        await asyncio.sleep(0)
        for i in range(3):
            hub.publish(_event(i))
        hub.close()
        await asyncio.wait_for(asyncio.gather(*tasks), 2)
        return got_a, got_b

    a, b = asyncio.run(scenario())
    assert a == b == [0.0, 1.0, 2.0]


def test_a_slow_subscriber_loses_old_events_and_never_blocks_the_publisher() -> None:
    async def scenario() -> list[float]:
        hub = Broadcaster(maxsize=4)
        got: list[float] = []

        async def collect() -> None:
            async for event in hub.subscribe():
                got.append(event.at)

        task = asyncio.create_task(collect())
        await asyncio.sleep(0)
        for i in range(100):
            hub.publish(_event(i))
        hub.close()
        await asyncio.wait_for(task, 2)
        return got

    assert asyncio.run(scenario()) == [96.0, 97.0, 98.0, 99.0]


def test_events_published_from_another_thread_arrive() -> None:
    async def scenario() -> list[float]:
        hub = Broadcaster()
        got: list[float] = []

        async def collect() -> None:
            async for event in hub.subscribe():
                got.append(event.at)

        task = asyncio.create_task(collect())
        await asyncio.sleep(0)

        def engine_thread() -> None:
            for i in range(5):
                hub.publish(_event(i))
                time.sleep(0.001)
            hub.close()

        thread = threading.Thread(target=engine_thread)
        thread.start()
        await asyncio.wait_for(task, 2)
        thread.join()
        return got

    assert asyncio.run(scenario()) == [0.0, 1.0, 2.0, 3.0, 4.0]
