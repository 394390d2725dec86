"""The scheduler: retries on transient errors, 429 back-off, timeouts, budgets; errors come back as data."""

from __future__ import annotations

import asyncio

import pytest

from redline.core.runs.conversation import Conversation, ErrorKind, GenerationParams, Response
from redline.engine.events import RunCounters
from redline.engine.scheduler import BudgetMeter, BudgetReached, TargetScheduler
from redline.engine.spec import Budget, Pacing, Pricing
from tests.unit.engine.fakes import FakeTarget

FAST = Pacing(concurrency=4, timeout_s=1.0, max_retries=3, backoff_base_s=0.001, backoff_max_s=0.002)


def _scheduler(target: FakeTarget, *, pacing: Pacing = FAST, budget: Budget | None = None) -> TargetScheduler:
    counters = RunCounters()
    meter = BudgetMeter(budget or Budget(), Pricing(prompt_per_1k=1.0, completion_per_1k=2.0), counters)
    return TargetScheduler(target, pacing=pacing, counters=counters, meter=meter, seed=1)


def _send(sched: TargetScheduler, prompt: str) -> Response:
    return asyncio.run(sched.send(Conversation.of(prompt), GenerationParams()))


def test_transient_errors_are_retried_until_an_answer_comes() -> None:
    target = FakeTarget(script={"hi": [ErrorKind.SERVER_ERROR, ErrorKind.CONNECTION, ErrorKind.TIMEOUT]})
    sched = _scheduler(target)
    response = _send(sched, "hi")
    assert response.ok and response.text.startswith("Sure")
    assert sched.counters.requests == 4 and sched.counters.retries == 3


def test_when_retries_run_out_the_last_error_is_returned_not_raised() -> None:
    target = FakeTarget(always=ErrorKind.SERVER_ERROR)
    sched = _scheduler(target)
    response = _send(sched, "hi")
    assert response.error is ErrorKind.SERVER_ERROR
    assert target.calls == 1 + FAST.max_retries


def test_bad_requests_and_filter_blocks_are_not_retried() -> None:
    for kind in (ErrorKind.BAD_REQUEST, ErrorKind.CONTENT_FILTER):
        target = FakeTarget(always=kind)
        assert _send(_scheduler(target), "hi").error is kind
        assert target.calls == 1


def test_rate_limits_wait_retry_after_cut_concurrency_and_have_their_own_retry_count() -> None:
    target = FakeTarget(script={"hi": [ErrorKind.RATE_LIMIT] * 5}, retry_after_s=0.01)
    sched = _scheduler(target)
    response = _send(sched, "hi")
    assert response.ok
    assert sched.counters.rate_limited == 5 and target.calls == 6  # more than max_retries=3
    assert sched.limit.limit < FAST.concurrency


def test_retry_after_is_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    waits: list[float] = []
    real_sleep = asyncio.sleep

    async def sleep(delay: float) -> None:
        waits.append(delay)
        await real_sleep(0)

    monkeypatch.setattr("redline.engine.scheduler.asyncio.sleep", sleep)
    target = FakeTarget(script={"hi": [ErrorKind.RATE_LIMIT]}, retry_after_s=2.5)
    assert _send(_scheduler(target), "hi").ok
    assert waits and waits[0] >= 2.5


def test_a_slow_target_times_out_as_an_error_outcome() -> None:
    target = FakeTarget(latency_s=0.5)
    pacing = Pacing(concurrency=1, timeout_s=0.05, max_retries=1, backoff_base_s=0.001, backoff_max_s=0.001)
    response = _send(_scheduler(target, pacing=pacing), "hi")
    assert response.error is ErrorKind.TIMEOUT
    assert "0.05" in (response.error_detail or "")
    assert target.calls == 2


def test_an_empty_answer_is_classified() -> None:
    class Silent(FakeTarget):
        async def send(
            self, conversation: Conversation, *, params: GenerationParams | None = None
        ) -> Response:
            return Response(text="  ")

    assert _send(_scheduler(Silent()), "hi").error is ErrorKind.EMPTY


def test_request_budget_refuses_the_request_past_it() -> None:
    sched = _scheduler(FakeTarget(), budget=Budget(max_requests=2))
    _send(sched, "a")
    _send(sched, "b")
    with pytest.raises(BudgetReached, match="2 requests"):
        _send(sched, "c")


def test_tokens_and_cost_are_metered() -> None:
    sched = _scheduler(FakeTarget(), budget=Budget(max_cost=0.02))
    _send(sched, "a")  # 10 prompt + 5 completion tokens at 1 and 2 per 1k
    assert sched.counters.prompt_tokens == 10 and sched.counters.completion_tokens == 5
    assert sched.counters.cost == pytest.approx(0.02)
    with pytest.raises(BudgetReached, match="cost"):
        _send(sched, "b")


def test_requests_per_minute_paces_the_target() -> None:
    pacing = Pacing(concurrency=8, requests_per_minute=600)  # 10 a second, bursts of 10
    sched = _scheduler(FakeTarget(), pacing=pacing)

    async def many() -> float:
        loop = asyncio.get_running_loop()
        t0 = loop.time()
        await asyncio.gather(*(sched.send(Conversation.of(str(i)), GenerationParams()) for i in range(15)))
        return loop.time() - t0

    assert asyncio.run(many()) >= 0.45


def test_a_target_that_stops_answering_pauses_sending_within_the_threshold() -> None:
    target = FakeTarget(always=ErrorKind.CONNECTION)
    pacing = Pacing(
        concurrency=4, max_retries=6, backoff_base_s=0.001, backoff_max_s=0.002, pause_after_failures=5
    )
    sched = _scheduler(target, pacing=pacing)

    async def many() -> list[Response | BaseException]:
        sends = (sched.send(Conversation.of(str(i)), GenerationParams()) for i in range(20))
        return list(await asyncio.gather(*sends, return_exceptions=True))

    outcomes = asyncio.run(many())
    assert all(isinstance(o, BudgetReached) for o in outcomes)  # nothing returned as a stored error
    assert target.calls < 5 + pacing.concurrency  # retries count towards the threshold, no more are sent
    reason = sched.meter.reason or ""
    assert reason.startswith("paused: fake stopped answering (") and "last: fake connection" in reason
    assert sched.counters.paused == 1
    with pytest.raises(BudgetReached, match="paused"):
        _send(sched, "later")


def test_other_errors_and_answers_break_the_streak() -> None:
    script = {str(i): [ErrorKind.CONNECTION, ErrorKind.TIMEOUT] for i in range(10)}
    pacing = Pacing(
        concurrency=1, max_retries=3, backoff_base_s=0.001, backoff_max_s=0.002, pause_after_failures=3
    )
    sched = _scheduler(FakeTarget(script=script), pacing=pacing)
    for i in range(10):  # two failures, then an answer: the streak never reaches three
        assert _send(sched, str(i)).ok
    assert sched.meter.reason is None and sched.counters.paused == 0


def test_one_prompt_that_keeps_timing_out_does_not_pause_the_round() -> None:
    target = FakeTarget(latency_s=0.2)
    pacing = Pacing(concurrency=1, timeout_s=0.01, max_retries=12, backoff_base_s=0.001, backoff_max_s=0.001)
    response = _send(_scheduler(target, pacing=pacing), "hi")
    # 13 timeouts in a row, more than the default threshold of 10, but from one prompt: stored as usual
    assert response.error is ErrorKind.TIMEOUT and target.calls == 13
