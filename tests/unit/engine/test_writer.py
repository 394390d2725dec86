"""The batch writer: batches by count and time, one transaction each, failures surfaced to the loop."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from redline.core.errors import StoreError
from redline.core.runs.conversation import Response
from redline.core.runs.rounds import Attempt, Round
from redline.core.runs.scores import Score, Verdict
from redline.engine.spec import Batching
from redline.engine.writer import AttemptRecord, BatchWriter
from redline.store.repos import rounds as rounds_repo
from redline.store.session import Store, open_store
from tests.unit.engine.fakes import make_case


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Store:
    store = open_store(f"sqlite:///{tmp_path / 'w.db'}")
    with store.session() as s:
        rounds_repo.create_round(s, Round(id="rnd_w"), actor="t")
    return store


def _record(i: int) -> AttemptRecord:
    case = make_case(i)
    attempt = Attempt(
        id=f"att_{i}",
        round_id="rnd_w",
        case_id=case.id,
        request=case.conversation,
        response=Response(text=f"answer {i}"),
        created_at=datetime.now(UTC),
    )
    return AttemptRecord(attempt, (Score(scorer="s", verdict=Verdict.PASS),), cache_key=f"{i:064d}")


def _stored(store: Store) -> int:
    with store.session() as s:
        return len(rounds_repo.done_keys(s, "rnd_w"))


def test_a_full_batch_is_written_without_waiting_for_the_timer(sqlite_store: Store) -> None:
    async def scenario() -> tuple[int, int]:
        writer = BatchWriter(sqlite_store, batching=Batching(attempts=10, ms=60_000)).start()
        cases = [make_case(i) for i in range(25)]
        writer.add_cases("rnd_w", cases, start=0)
        for i in range(25):
            writer.add(_record(i))
        for _ in range(200):  # two full batches go without a flush; the last five wait for one
            if _stored(sqlite_store) >= 20:
                break
            await asyncio.sleep(0.01)
        before = _stored(sqlite_store)
        await writer.flush()
        writer.close()
        return before, _stored(sqlite_store)

    before, after = asyncio.run(scenario())
    assert before == 20 and after == 25
    with sqlite_store.session() as s:
        assert rounds_repo.count_cases(s, "rnd_w") == 25
        assert len(rounds_repo.list_scores(s, "rnd_w")) == 25


def test_the_timer_flushes_a_partial_batch(sqlite_store: Store) -> None:
    async def scenario() -> int:
        writer = BatchWriter(sqlite_store, batching=Batching(attempts=1000, ms=20)).start()
        writer.add(_record(1))
        await asyncio.sleep(0.3)
        stored = _stored(sqlite_store)
        writer.close()
        return stored

    assert asyncio.run(scenario()) == 1


def test_a_store_failure_reaches_the_event_loop(sqlite_store: Store) -> None:
    async def scenario() -> None:
        writer = BatchWriter(sqlite_store, batching=Batching(attempts=1, ms=10)).start()
        bad = _record(1)
        orphan = bad.attempt.model_copy(update={"round_id": "rnd_missing"})  # violates the foreign key
        writer.add(AttemptRecord(orphan, bad.scores))
        with pytest.raises(StoreError, match="could not be written"):
            await writer.flush()
        with pytest.raises(StoreError):
            writer.add(_record(2))
        writer.close()

    asyncio.run(scenario())
