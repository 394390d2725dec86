"""Send to one target under its pacing: concurrency, rate limits, timeouts, retries and budgets."""

from __future__ import annotations

import asyncio
import itertools
import time

from redline.core.runs.conversation import Conversation, ErrorKind, GenerationParams, Response, Usage
from redline.engine.events import RunCounters
from redline.engine.pacing import AdaptiveLimit, Backoff, CircuitBreaker, TokenBucket
from redline.engine.spec import Budget, Pacing, Pricing
from redline.targets.base import Target

TRANSIENT = frozenset({ErrorKind.RATE_LIMIT, ErrorKind.TIMEOUT, ErrorKind.SERVER_ERROR, ErrorKind.CONNECTION})
UNREACHABLE = frozenset({ErrorKind.CONNECTION, ErrorKind.TIMEOUT})
"""Outcomes that say the target is not there (refused, reset, DNS, no answer): they feed the breaker."""


class BudgetReached(Exception):
    """Raised inside the engine when a budget allows no further request; the round stops cleanly."""

    def __init__(self, which: str) -> None:
        super().__init__(which)
        self.which = which


def estimate_tokens(chars: int) -> int:
    """A rough token count (four characters a token) for targets that report no usage."""
    return max(1, chars // 4) if chars else 0


def conversation_chars(conversation: Conversation) -> int:
    """Characters in every message of a conversation."""
    return sum(len(m.content) for m in conversation.messages)


class BudgetMeter:
    """Counts requests, tokens and cost against a budget; refuses the request that would pass a limit."""

    def __init__(self, budget: Budget, pricing: Pricing | None, counters: RunCounters) -> None:
        self.budget = budget
        self.pricing = pricing
        self.counters = counters
        self.reason: str | None = None

    def reserve_request(self) -> None:
        """Account for one more request, or raise BudgetReached."""
        b, c = self.budget, self.counters
        if self.reason is None:
            if b.max_requests is not None and c.requests >= b.max_requests:
                self.reason = f"request budget reached ({b.max_requests} requests)"
            elif b.max_tokens is not None and c.prompt_tokens + c.completion_tokens >= b.max_tokens:
                self.reason = f"token budget reached ({b.max_tokens} tokens)"
            elif b.max_cost is not None and c.cost >= b.max_cost:
                self.reason = f"cost budget reached ({b.max_cost:g})"
        if self.reason is not None:
            raise BudgetReached(self.reason)

    def usage_of(self, conversation: Conversation, response: Response) -> Usage:
        """Tokens of an exchange: as reported by the target, else estimated from the text."""
        if response.usage.prompt_tokens or response.usage.completion_tokens:
            return response.usage
        if response.error is not None:
            return Usage()
        return Usage(
            prompt_tokens=estimate_tokens(conversation_chars(conversation)),
            completion_tokens=estimate_tokens(len(response.text)),
        )

    def record(self, usage: Usage) -> None:
        """Add an exchange's tokens and cost."""
        self.counters.prompt_tokens += usage.prompt_tokens
        self.counters.completion_tokens += usage.completion_tokens
        if self.pricing is not None:
            self.counters.cost += self.pricing.cost(usage.prompt_tokens, usage.completion_tokens)


class TargetScheduler:
    """The only way the engine calls a target: paced, timed out, retried, metered, never raising on errors."""

    def __init__(
        self,
        target: Target,
        *,
        pacing: Pacing,
        counters: RunCounters,
        meter: BudgetMeter,
        seed: int,
    ) -> None:
        self.target = target
        self.pacing = pacing
        self.counters = counters
        self.meter = meter
        self.limit = AdaptiveLimit(pacing.concurrency)
        self.backoff = Backoff(base_s=pacing.backoff_base_s, max_s=pacing.backoff_max_s, seed=seed)
        rpm, tpm = pacing.requests_per_minute, pacing.tokens_per_minute
        self.requests_bucket = TokenBucket.per_minute(rpm) if rpm else None
        self.tokens_bucket = TokenBucket(tpm / 60.0, burst=max(tpm / 6.0, 1.0)) if tpm else None
        counters.concurrency_limit = pacing.concurrency
        self.breaker = CircuitBreaker(pacing.pause_after_failures)
        self._callers = itertools.count()

    async def send(
        self, conversation: Conversation, params: GenerationParams, *, target: Target | None = None
    ) -> Response:
        """The target's response, after retrying transient errors; the last error when retries run out.

        `target` sends through a reconfigured copy of the round's target, under the same pacing. When
        the breaker opens (the target stopped answering), raises BudgetReached: this request, and every
        one after it, is left unstored for a resume.
        """
        retries = rate_limit_retries = 0
        caller = next(self._callers)
        while True:
            self.meter.reserve_request()
            response = await self._paced_call(conversation, params, target or self.target)
            kind = response.error
            unreachable = kind in UNREACHABLE
            if (
                self.breaker.record(failed=unreachable, caller=caller, detail=response.error_detail)
                and unreachable
            ):
                raise self._pause()
            if kind is None:
                if not response.text.strip() and not response.blocked:
                    return response.model_copy(
                        update={"error": ErrorKind.EMPTY, "error_detail": "the target answered nothing"}
                    )
                return response
            if kind is ErrorKind.RATE_LIMIT:
                self.counters.rate_limited += 1
                retry_after = response.retry_after_s
                self.limit.rate_limited(retry_after)
                self.counters.concurrency_limit = int(self.limit.limit)
                if rate_limit_retries >= self.pacing.max_rate_limit_retries:
                    return response
                delay = self.backoff.delay(min(rate_limit_retries, 6), retry_after_s=retry_after)
                rate_limit_retries += 1
            elif kind in TRANSIENT and retries < self.pacing.max_retries:
                delay = self.backoff.delay(retries)
                retries += 1
            else:
                return response
            self.counters.retries += 1
            await asyncio.sleep(delay)

    def _pause(self) -> BudgetReached:
        """Stop sending: every later request is refused as if a budget were reached."""
        if self.meter.reason is None:
            b = self.breaker
            self.meter.reason = (
                f"paused: {self.target.name} stopped answering ({b.streak} connection failures or timeouts "
                f"in a row; last: {b.last or 'no detail'}); run the same command again to resume"
            )
            self.counters.paused = 1
        return BudgetReached(self.meter.reason)

    async def _paced_call(
        self, conversation: Conversation, params: GenerationParams, target: Target
    ) -> Response:
        reserved = 0
        if self.tokens_bucket is not None:
            reserved = estimate_tokens(conversation_chars(conversation)) + params.max_tokens
            await self.tokens_bucket.acquire(reserved)
        if self.requests_bucket is not None:
            await self.requests_bucket.acquire()
        await self.limit.acquire()
        self.counters.requests += 1
        self.counters.in_flight += 1
        response: Response | None = None
        try:
            response = await self._call(conversation, params, target)
        finally:
            self.counters.in_flight -= 1
            self.limit.release(success=response is not None and response.error is None)
        usage = self.meter.usage_of(conversation, response)
        self.meter.record(usage)
        if self.tokens_bucket is not None:
            used = usage.prompt_tokens + usage.completion_tokens
            if used < reserved:
                self.tokens_bucket.refund(reserved - used)
        return response

    async def _call(self, conversation: Conversation, params: GenerationParams, target: Target) -> Response:
        timeout = self.pacing.timeout_s
        start = time.perf_counter()
        try:
            async with asyncio.timeout(timeout):
                return await target.send(conversation, params=params)
        except TimeoutError:
            kind, detail = ErrorKind.TIMEOUT, f"{target.name} gave no answer within {timeout:g} s"
        except (ConnectionError, OSError) as exc:
            kind, detail = ErrorKind.CONNECTION, f"{target.name}: {type(exc).__name__}: {exc}"
        return Response(error=kind, error_detail=detail, latency_ms=(time.perf_counter() - start) * 1000)
