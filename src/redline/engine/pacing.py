"""Pacing primitives: token buckets for rate limits, an AIMD concurrency limit, and jittered back-off."""

from __future__ import annotations

import asyncio
import random
import time
from collections import deque
from collections.abc import Callable

Clock = Callable[[], float]


class TokenBucket:
    """A token bucket: `rate_per_s` tokens refill per second up to `burst`.

    Acquiring more tokens than are available reserves them (the level goes negative) and waits for the
    refill, so waiters are served in order and nobody busy-waits.
    """

    def __init__(self, rate_per_s: float, *, burst: float | None = None, clock: Clock = time.monotonic):
        if rate_per_s <= 0:
            raise ValueError(f"rate must be positive, not {rate_per_s}")
        self.rate = rate_per_s
        self.burst = burst if burst is not None else max(1.0, rate_per_s)
        self._clock = clock
        self._level = self.burst
        self._at = clock()

    @classmethod
    def per_minute(cls, per_minute: float, *, clock: Clock = time.monotonic) -> TokenBucket:
        """A bucket for a per-minute limit; bursts up to one second's worth (at least one)."""
        return cls(per_minute / 60.0, burst=max(1.0, per_minute / 60.0), clock=clock)

    def _refill(self) -> None:
        now = self._clock()
        self._level = min(self.burst, self._level + (now - self._at) * self.rate)
        self._at = now

    def reserve(self, n: float = 1.0) -> float:
        """Take `n` tokens now; returns the seconds to wait before using them (0 when available)."""
        self._refill()
        self._level -= n
        return 0.0 if self._level >= 0 else -self._level / self.rate

    def refund(self, n: float) -> None:
        """Give back tokens reserved but not used (e.g. when fewer tokens were generated than reserved)."""
        self._refill()
        self._level = min(self.burst, self._level + n)

    async def acquire(self, n: float = 1.0) -> None:
        """Take `n` tokens, waiting for them if needed."""
        delay = self.reserve(n)
        if delay > 0:
            await asyncio.sleep(delay)


class AdaptiveLimit:
    """Concurrency limit that halves on rate limiting and grows back by one per window of successes.

    AIMD (additive increase, multiplicative decrease), as in TCP congestion control: at most one cut
    per `cooldown_s`, so a burst of 429s from requests already in flight counts as one signal.
    """

    def __init__(
        self, ceiling: int, *, floor: int = 1, cooldown_s: float = 1.0, clock: Clock = time.monotonic
    ) -> None:
        self.ceiling = ceiling
        self.floor = max(1, min(floor, ceiling))
        self.limit = float(ceiling)
        self.in_flight = 0
        self.cuts = 0
        self._cooldown = cooldown_s
        self._clock = clock
        self._last_cut = -float("inf")
        self._paused_until = 0.0
        self._waiters: deque[asyncio.Future[None]] = deque()

    async def acquire(self) -> None:
        """Wait for a slot (and for a pause to end)."""
        while True:
            pause = self._paused_until - self._clock()
            if pause > 0:
                await asyncio.sleep(pause)
                continue
            if self.in_flight < int(self.limit) and not self._waiters:
                self.in_flight += 1
                return
            fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._waiters.append(fut)
            try:
                await fut
            except asyncio.CancelledError:
                if fut in self._waiters:
                    self._waiters.remove(fut)
                elif fut.done() and not fut.cancelled():
                    self._wake()  # pass the wake-up on
                raise
            if self.in_flight < int(self.limit):
                self.in_flight += 1
                return

    def release(self, *, success: bool) -> None:
        """Free a slot; a success grows the limit by 1/limit (one step per full window)."""
        self.in_flight -= 1
        if success and self.limit < self.ceiling:
            self.limit = min(float(self.ceiling), self.limit + 1.0 / self.limit)
        self._wake()

    def rate_limited(self, retry_after_s: float | None) -> None:
        """Signal a 429: halve the limit (once per cooldown); at the floor, pause for `retry_after_s`."""
        now = self._clock()
        if now - self._last_cut < self._cooldown:
            return
        self._last_cut = now
        self.cuts += 1
        if self.limit > self.floor:
            self.limit = max(float(self.floor), self.limit / 2)
        elif retry_after_s:
            # Already at the floor and still refused: hold every request for as long as the server asks.
            self._paused_until = max(self._paused_until, now + min(retry_after_s, 60.0))

    def _wake(self) -> None:
        free = int(self.limit) - self.in_flight
        while free > 0 and self._waiters:
            fut = self._waiters.popleft()
            if not fut.done():
                fut.set_result(None)
                free -= 1


class Backoff:
    """Exponential back-off with full jitter, from a seeded generator so runs are reproducible."""

    def __init__(self, *, base_s: float, max_s: float, seed: int) -> None:
        self.base_s = base_s
        self.max_s = max_s
        self._rng = random.Random(seed)

    def delay(self, retry: int, *, retry_after_s: float | None = None) -> float:
        """Seconds to wait before retry number `retry` (0-based); never less than `retry_after_s`."""
        ceiling = min(self.max_s, self.base_s * (2**retry))
        wait = self._rng.uniform(ceiling / 2, ceiling)
        if retry_after_s is not None:
            wait = max(wait, retry_after_s + self._rng.uniform(0, self.base_s / 2))
        return wait


class CircuitBreaker:
    """Opens after `threshold` failures in a row from at least two callers; any other outcome resets it.

    The engine feeds it every request's outcome (retries included, so a case's own retries count
    towards the threshold rather than multiplying the time before it opens). One caller alone never
    opens it: a single prompt that keeps timing out says nothing about the target. A threshold of 0
    never opens.
    """

    def __init__(self, threshold: int) -> None:
        if threshold < 0:
            raise ValueError(f"threshold must be 0 or more, not {threshold}")
        self.threshold = threshold
        self.streak = 0
        self.last: str | None = None
        self.open = False
        self._callers: set[int] = set()

    def record(self, *, failed: bool, caller: int, detail: str | None = None) -> bool:
        """Count one outcome of `caller`'s request; True once the breaker is open."""
        if failed:
            self.streak += 1
            self.last = detail
            if len(self._callers) < 2:
                self._callers.add(caller)
            if self.threshold and self.streak >= self.threshold and len(self._callers) >= 2:
                self.open = True
        elif self.streak:
            self.streak = 0
            self._callers.clear()
        return self.open
