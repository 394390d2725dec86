"""Token buckets, the AIMD concurrency limit and jittered back-off, on a fake clock."""

from __future__ import annotations

import asyncio

import pytest

from redline.engine.pacing import AdaptiveLimit, Backoff, CircuitBreaker, TokenBucket


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_bucket_serves_its_burst_then_makes_callers_wait_for_the_refill() -> None:
    clock = Clock()
    bucket = TokenBucket(2.0, burst=2, clock=clock)
    assert bucket.reserve() == 0
    assert bucket.reserve() == 0
    assert bucket.reserve() == pytest.approx(0.5)
    assert bucket.reserve() == pytest.approx(1.0)  # reservations queue up, in order
    clock.now += 1.0  # two tokens refilled: the debt is paid, the next one waits again
    assert bucket.reserve() == pytest.approx(0.5)


def test_bucket_per_minute_and_refund() -> None:
    clock = Clock()
    bucket = TokenBucket.per_minute(600, clock=clock)  # 10 per second
    assert bucket.rate == pytest.approx(10)
    assert bucket.reserve(15) == pytest.approx(0.5)
    bucket.refund(10)
    assert bucket.reserve(5) == 0


def test_limit_halves_once_per_cooldown_and_grows_back_by_one_per_window() -> None:
    clock = Clock()
    limit = AdaptiveLimit(16, cooldown_s=1.0, clock=clock)
    limit.rate_limited(None)
    limit.rate_limited(None)  # same window: one signal
    assert limit.limit == 8
    clock.now += 1.1
    limit.rate_limited(None)
    assert limit.limit == 4 and limit.cuts == 2
    limit.in_flight = 4
    for _ in range(4):
        limit.release(success=True)
    assert 4.9 < limit.limit < 5.0  # about +1 after a full window of successes
    limit.in_flight = 1
    limit.release(success=False)
    assert limit.limit < 5.0


def test_limit_at_its_floor_pauses_for_retry_after() -> None:
    clock = Clock()
    limit = AdaptiveLimit(1, cooldown_s=0.0, clock=clock)
    limit.rate_limited(3.0)
    assert limit._paused_until == pytest.approx(103.0)


def test_limit_bounds_concurrency_and_wakes_waiters() -> None:
    asyncio.run(_bounded())


async def _bounded() -> None:
    limit = AdaptiveLimit(3)
    peak = 0
    running = 0

    async def job() -> None:
        nonlocal peak, running
        await limit.acquire()
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.001)
        running -= 1
        limit.release(success=True)

    await asyncio.gather(*(job() for _ in range(30)))
    assert peak == 3 and limit.in_flight == 0


def test_cancelled_waiter_does_not_leak_a_slot() -> None:
    asyncio.run(_cancelled_waiter())


async def _cancelled_waiter() -> None:
    limit = AdaptiveLimit(1)
    await limit.acquire()
    waiter = asyncio.create_task(limit.acquire())
    await asyncio.sleep(0)
    waiter.cancel()
    limit.release(success=True)
    await asyncio.sleep(0)
    await asyncio.wait_for(limit.acquire(), 1)
    assert limit.in_flight == 1


def test_backoff_is_seeded_bounded_and_honours_retry_after() -> None:
    a = Backoff(base_s=0.5, max_s=4.0, seed=7)
    b = Backoff(base_s=0.5, max_s=4.0, seed=7)
    delays = [a.delay(i) for i in range(8)]
    assert delays == [b.delay(i) for i in range(8)]
    assert all(0.25 <= d <= 4.0 for d in delays)
    assert delays[-1] >= 2.0  # capped at max_s, never below half of it
    assert a.delay(0, retry_after_s=3.0) >= 3.0


def test_breaker_opens_after_failures_in_a_row_from_two_callers_and_stays_open() -> None:
    breaker = CircuitBreaker(4)
    assert not any(breaker.record(failed=True, caller=0, detail=f"f{i}") for i in range(6))  # one caller
    assert breaker.record(failed=True, caller=1, detail="refused")
    assert breaker.open and breaker.last == "refused" and breaker.streak == 7
    assert breaker.record(failed=False, caller=2)  # once open, it stays open


def test_breaker_resets_on_any_other_outcome_and_zero_never_opens() -> None:
    breaker = CircuitBreaker(3)
    for caller in (0, 1):
        breaker.record(failed=True, caller=caller)
    breaker.record(failed=False, caller=2)
    assert breaker.streak == 0
    assert not breaker.record(failed=True, caller=0) and not breaker.record(failed=True, caller=0)
    assert breaker.record(failed=True, caller=1)
    never = CircuitBreaker(0)
    assert not any(never.record(failed=True, caller=i) for i in range(100))
    with pytest.raises(ValueError):
        CircuitBreaker(-1)
