"""run_round end to end against fake targets: every case once, errors kept, evidence from stored scores."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from redline.core.errors import UsageError
from redline.core.runs.conversation import Conversation, ErrorKind, GenerationParams, Response
from redline.core.runs.rounds import RoundStatus
from redline.engine.events import EventKind, ProgressEvent
from redline.engine.result import RoundResult
from redline.engine.round import run_round
from redline.engine.spec import Batching, Budget, Pacing, RoundSpec
from redline.store.repos import rounds as rounds_repo
from tests.integration.engine.conftest import Env
from tests.unit.engine.fakes import (
    BatchedLengthScorer,
    ComplianceScorer,
    FakeTarget,
    make_case,
    make_cases,
)

FAST = Pacing(concurrency=8, timeout_s=5, max_retries=2, backoff_base_s=0.001, backoff_max_s=0.002)


def _spec(target: Any, n: int = 60, **changes: Any) -> RoundSpec:
    spec = RoundSpec(
        target=target,
        target_name="fake",
        cases=make_cases(n),
        cases_source={"fake": n},
        scorers=[ComplianceScorer()],
        pacing=FAST,
    )
    return replace(spec, **changes)


def _run(env: Env, spec: RoundSpec, **kw: Any) -> RoundResult:
    return asyncio.run(run_round(spec, settings=env.settings, store=env.store, **kw))


def _attempt_keys(env: Env, round_id: str) -> list[tuple[str, int]]:
    with env.store.session() as s:
        return [(a.case_id, a.turn) for a in rounds_repo.list_attempts(s, round_id)]


def test_every_case_is_stored_once_with_its_scores_and_evidence(env: Env) -> None:
    target = FakeTarget(latency_s=0.002)
    result = _run(env, _spec(target, 90))
    assert result.status is RoundStatus.COMPLETED and not result.resumed
    assert result.cases == 90 and result.attempts == 90 and result.errors == {}
    keys = _attempt_keys(env, result.round_id)
    assert len(keys) == len(set(keys)) == 90
    with env.store.session() as s:
        assert len(rounds_repo.list_scores(s, result.round_id)) == 90
        rnd = rounds_repo.get_round(s, result.round_id)
    # prompts with i % 3 == 0 are refused (PASS); the rest comply (FAIL)
    by_threat = {e.threat_id: e for e in result.evidence}
    assert by_threat["t.one"].n == 90 and by_threat["t.one"].failures == 60
    assert by_threat["t.two"].n == 45 and by_threat["t.two"].failures == 30
    assert rnd.status is RoundStatus.COMPLETED and rnd.adhoc
    assert rnd.config["spec_hash"] == result.spec_hash and rnd.config["cases_total"] == 90
    assert rnd.versions["redline"] and rnd.config["model"]["name"] == "fake-model"
    assert target.max_in_flight <= FAST.concurrency


def test_cases_are_read_lazily_in_chunks(sqlite_env: Env) -> None:
    target = FakeTarget(latency_s=0.001)
    produced = 0
    lag = 0

    def cases() -> Iterator[Any]:
        nonlocal produced, lag
        for case in make_cases(600):
            produced += 1
            lag = max(lag, produced - target.calls)
            yield case

    spec = _spec(target, cases=cases(), batching=Batching(attempts=50, ms=50, cases=40))
    assert _run(sqlite_env, spec).attempts == 600
    assert lag <= 40 * 2 + 2 * FAST.concurrency + FAST.concurrency  # a chunk or two ahead, never all


def test_errors_are_stored_as_outcomes_after_retries(env: Env) -> None:
    target = FakeTarget(always=ErrorKind.SERVER_ERROR)
    result = _run(env, _spec(target, 12))
    assert result.status is RoundStatus.COMPLETED
    assert result.attempts == 12 and result.errors == {"server_error": 12}
    assert target.calls == 12 * (1 + FAST.max_retries)
    assert result.evidence[0].errors == 12 and result.evidence[0].n == 0


def test_an_adapter_exception_is_caught_by_the_case_guard_and_recorded(sqlite_env: Env) -> None:
    target = FakeTarget(raise_on="number 4")
    result = _run(sqlite_env, _spec(target, 10))
    assert result.attempts == 10 and result.errors == {"other": 1}
    with sqlite_env.store.session() as s:
        failed = [a for a in rounds_repo.list_attempts(s, result.round_id) if a.response.error]
    assert failed[0].response.error_detail == "RuntimeError: adapter bug on 'prompt number 4'"


def test_a_second_run_is_answered_from_the_cache_unless_disabled(sqlite_env: Env) -> None:
    target = FakeTarget(script={"prompt number 1": [ErrorKind.BAD_REQUEST]})
    first = _run(sqlite_env, _spec(target, 20))
    assert first.errors == {"bad_request": 1}
    calls = target.calls
    second = _run(sqlite_env, _spec(target, 20))
    assert second.round_id != first.round_id  # the first was complete: a new round
    assert second.run.cached == 19 and target.calls == calls + 1  # errors are never cached
    with sqlite_env.store.session() as s:
        cached = [a.cached for a in rounds_repo.list_attempts(s, second.round_id)]
    assert sum(cached) == 19
    third = _run(sqlite_env, _spec(target, 20, use_cache=False))
    assert third.run.cached == 0 and third.run.requests == 20


def test_a_budget_stops_the_round_cleanly_and_the_same_spec_resumes_it(env: Env) -> None:
    target = FakeTarget(latency_s=0.001)
    stopped = _run(env, _spec(target, 50, budget=Budget(max_requests=20)))
    assert stopped.status is RoundStatus.STOPPED and "20 requests" in (stopped.stopped_reason or "")
    assert stopped.run.requests == 20 and stopped.attempts == 20
    resumed = _run(env, _spec(target, 50))
    assert resumed.round_id == stopped.round_id and resumed.resumed
    assert resumed.status is RoundStatus.COMPLETED and resumed.run.cases_skipped == 20
    keys = _attempt_keys(env, resumed.round_id)
    assert len(keys) == len(set(keys)) == 50
    assert target.calls == 50


def test_resume_by_id_refuses_a_different_spec(sqlite_env: Env) -> None:
    first = _run(sqlite_env, _spec(FakeTarget(), 5, budget=Budget(max_requests=2)))
    with pytest.raises(UsageError, match="different target, cases"):
        _run(sqlite_env, _spec(FakeTarget(), 5, seed=3, resume=first.round_id))


def test_cancelled_round_is_interrupted_and_resumes_without_loss_or_duplicates(sqlite_env: Env) -> None:
    target = FakeTarget(latency_s=0.01)
    spec = _spec(target, 200, batching=Batching(attempts=10, ms=20, cases=20))

    async def cancel_midway() -> None:
        task = asyncio.create_task(run_round(spec, settings=sqlite_env.settings, store=sqlite_env.store))
        while target.calls < 60:
            await asyncio.sleep(0.005)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(cancel_midway())
    with sqlite_env.store.session() as s:
        (rnd,) = rounds_repo.list_rounds(s)
        stored = rounds_repo.count_attempts(s, rnd.id).get("ok", 0)
    assert rnd.status is RoundStatus.INTERRUPTED and 0 < stored < 200
    result = _run(sqlite_env, _spec(target, 200))
    assert result.round_id == rnd.id and result.status is RoundStatus.COMPLETED
    keys = _attempt_keys(sqlite_env, rnd.id)
    assert len(keys) == len(set(keys)) == 200


def test_events_report_start_progress_and_finish(sqlite_env: Env) -> None:
    events: list[ProgressEvent] = []
    result = _run(sqlite_env, _spec(FakeTarget(latency_s=0.001), 30), events=events.append)
    kinds = [e.kind for e in events]
    assert kinds[0] is EventKind.STARTED and kinds[-1] is EventKind.FINISHED
    assert events[-1].snapshot.attempts == 30 == result.run.attempts
    assert all(e.round_id == result.round_id for e in events)


def test_batched_scores_are_stored_with_their_attempts(sqlite_env: Env) -> None:
    scorer = BatchedLengthScorer()
    result = _run(sqlite_env, _spec(FakeTarget(), 30, scorers=[ComplianceScorer(), scorer]))
    with sqlite_env.store.session() as s:
        scores = rounds_repo.list_scores(s, result.round_id)
    assert len(scores) == 60 and sum(scorer.batches) == 30 and max(scorer.batches) <= 4


def test_blocked_answers_are_scored_and_empty_answers_are_classified(sqlite_env: Env) -> None:
    class Guarded(FakeTarget):
        async def send(
            self, conversation: Conversation, *, params: GenerationParams | None = None
        ) -> Response:
            if "1" in conversation.last_user_text:
                return Response(text="", blocked=True, error=ErrorKind.CONTENT_FILTER)
            if "2" in conversation.last_user_text:
                return Response(text="")
            return await super().send(conversation, params=params)

    result = _run(sqlite_env, _spec(Guarded(), 4, cases=[make_case(i) for i in range(4)]))
    assert result.errors == {"content_filter": 1, "empty": 1}
    with sqlite_env.store.session() as s:
        assert len(rounds_repo.list_scores(s, result.round_id)) == 4


def test_a_round_its_live_process_still_runs_is_not_resumed_twice(sqlite_env: Env) -> None:
    import socket
    import subprocess
    import sys

    stopped = _run(sqlite_env, _spec(FakeTarget(), 10, budget=Budget(max_requests=3)))
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        with sqlite_env.store.session() as s:
            rounds_repo.update_config(
                s, stopped.round_id, {"runner": {"host": socket.gethostname(), "pid": sleeper.pid}}
            )
            rounds_repo.set_status(s, stopped.round_id, RoundStatus.RUNNING, actor="t")
        with pytest.raises(UsageError, match=f"being run by process {sleeper.pid}"):
            _run(sqlite_env, _spec(FakeTarget(), 10))
    finally:
        sleeper.kill()
        sleeper.wait()
    resumed = _run(sqlite_env, _spec(FakeTarget(), 10))  # its process is gone: resumable again
    assert resumed.round_id == stopped.round_id and resumed.attempts == 10


def test_a_failing_case_source_fails_the_round_and_the_same_spec_resumes_it(sqlite_env: Env) -> None:
    from redline.core.errors import ConfigError

    def broken() -> Iterator[Any]:
        yield from make_cases(100)
        raise ConfigError("not JSON", file="p.jsonl", line=101)

    with pytest.raises(ConfigError, match=r"p\.jsonl:101"):
        _run(sqlite_env, _spec(FakeTarget(), 100, cases=broken()))
    with sqlite_env.store.session() as s:
        (failed,) = rounds_repo.list_rounds(s)
    assert failed.status is RoundStatus.FAILED
    resumed = _run(sqlite_env, _spec(FakeTarget(), 100))
    assert resumed.round_id == failed.id and resumed.status is RoundStatus.COMPLETED
    keys = _attempt_keys(sqlite_env, resumed.round_id)
    assert len(keys) == len(set(keys)) == 100
