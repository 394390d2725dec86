"""Run cases: one conversation per case, turn by turn, each turn stored with its scores as it completes."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Any

from redline.attacks.base import MultiTurnStrategy, next_request
from redline.core.provenance import Provenance
from redline.core.runs.cases import AttackCase
from redline.core.runs.conversation import Conversation, ErrorKind, GenerationParams, MessageRole, Response
from redline.core.runs.rounds import Attempt
from redline.core.runs.scores import Score
from redline.engine.cache import ResponseCache
from redline.engine.checkpoint import attempt_id, resume_point, stored_turns
from redline.engine.events import Reporter, RunCounters
from redline.engine.loops import LOOP_KEY, CaseLoop, LoopTurn
from redline.engine.overrides import Overridden, TargetVariants
from redline.engine.scheduler import BudgetReached, TargetScheduler
from redline.engine.scoring import Scoring, should_score
from redline.engine.writer import AttemptRecord, BatchWriter
from redline.store.session import Store
from redline.targets.tool_loop import case_scope


@dataclass(frozen=True)
class WorkItem:
    """A case to run, with the highest turn an earlier run already stored (None: not started)."""

    case: AttackCase
    last_turn: int | None = None


@dataclass(frozen=True)
class RunContext:
    """Everything the workers of one invocation share."""

    round_id: str
    store: Store
    scheduler: TargetScheduler
    scoring: Scoring
    writer: BatchWriter
    cache: ResponseCache
    write_cache: bool
    params: GenerationParams
    strategies: Mapping[str, MultiTurnStrategy]
    counters: RunCounters
    reporter: Reporter
    provenance: Provenance
    finisher: Finisher
    loops: Mapping[str, CaseLoop] = field(default_factory=dict)
    variants: TargetVariants = field(default_factory=TargetVariants)


class Finisher:
    """Scores and stores answers in tasks of their own, so workers go on sending while scorers judge.

    At most `limit` answers wait at once (workers wait for a slot); the first failure (the store
    refusing a batch) is kept and raised by `drain`.
    """

    def __init__(self, *, limit: int) -> None:
        self._slots = asyncio.Semaphore(limit)
        self._tasks: set[asyncio.Task[None]] = set()
        self.error: BaseException | None = None

    async def submit(self, job: Callable[[], Coroutine[Any, Any, None]]) -> asyncio.Task[None]:
        """Start `job()` once a slot is free; returns its task."""
        if self.error is not None:
            raise self.error
        await self._slots.acquire()
        task = asyncio.get_running_loop().create_task(job())
        self._tasks.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        self._slots.release()
        if not task.cancelled() and task.exception() is not None and self.error is None:
            self.error = task.exception()

    async def drain(self) -> None:
        """Wait for every answer to be scored and queued for the store; raise the first failure."""
        while self._tasks:
            await asyncio.wait(set(self._tasks))
        if self.error is not None:
            raise self.error

    def cancel(self) -> None:
        """Cancel what is still waiting (the round is being interrupted)."""
        for task in list(self._tasks):
            task.cancel()


class CaseRunner:
    """Runs one case to its end; its guard turns any failure into a stored error outcome."""

    def __init__(self, ctx: RunContext) -> None:
        self.ctx = ctx

    async def run(
        self, item: WorkItem, *, prefetched: Response | None = None, looked_up: bool = False
    ) -> None:
        """Run the case's remaining turns; raises only BudgetReached (case left for a resume).

        `looked_up` says the first turn's cache lookup was already made (`prefetched` is its result).
        Tool loops and providers read the case's params (planted tool results, memory) meanwhile.
        """
        with case_scope(item.case.params):
            await self._run(item, prefetched=prefetched, looked_up=looked_up)

    async def _run(self, item: WorkItem, *, prefetched: Response | None, looked_up: bool) -> None:
        ctx, case = self.ctx, item.case
        loop = ctx.loops.get(case.technique)
        if loop is not None:
            await self._run_loop(item, loop)
            return
        over: Overridden | None = None
        if ctx.variants.applies(case):  # the first-turn cache lookup was made without the overrides
            prefetched, looked_up = None, False
        strategy = ctx.strategies.get(case.technique) if case.turns > 1 else None
        turn, conversation = 0, case.conversation
        if item.last_turn is not None:
            point = await resume_point(
                ctx.store, ctx.round_id, case, last_turn=item.last_turn, strategy=strategy
            )
            if point is None:
                ctx.counters.cases_skipped += 1
                return
            turn, conversation, prefetched, looked_up = point.turn, point.conversation, None, False
        previous: asyncio.Task[None] | None = None  # the turn before: stored first, always
        try:
            over = ctx.variants.resolve(case, ctx.params)
            while True:
                response, cached = await self._answer(
                    conversation, prefetched, looked_up=looked_up, over=over
                )
                prefetched, looked_up = None, False
                previous = await ctx.finisher.submit(
                    partial(self._finish, case, turn, conversation, response, cached, previous, over=over)
                )
                if strategy is None or turn + 1 >= case.turns or not should_score(response):
                    break
                history = conversation.add(MessageRole.ASSISTANT, response.text)
                turn += 1
                conversation = history  # recorded as the request if the strategy fails
                following = await next_request(strategy, case, history, turn=turn)
                if following is None:
                    break
                conversation = following
        except (BudgetReached, asyncio.CancelledError):
            raise
        except Exception as exc:  # the per-case guard: what went wrong is stored as this turn's outcome
            failure = Response(error=ErrorKind.OTHER, error_detail=f"{type(exc).__name__}: {exc}"[:2000])
            await ctx.finisher.submit(
                partial(self._finish, case, turn, conversation, failure, False, previous, judged=False)
            )
        ctx.counters.cases_done += 1
        ctx.reporter.tick()

    async def _run_loop(self, item: WorkItem, loop: CaseLoop) -> None:
        """Run an attack loop for the case; each exchange is stored as its next turn, in order.

        On a resume the loop gets the stored turns back and continues after them; the turn number of
        an exchange is the count of exchanges before it, so a re-sent turn collides instead of doubling.
        """
        ctx, case = self.ctx, item.case
        stored: list[Attempt] = []
        if item.last_turn is not None:
            stored = await asyncio.to_thread(stored_turns, ctx.store, ctx.round_id, case.id)
            if loop.done(case, stored):
                ctx.counters.cases_skipped += 1
                return
        turn = len(stored)
        previous: asyncio.Task[None] | None = None

        async def send(conversation: Conversation, params: GenerationParams | None) -> Response:
            wanted = (
                ctx.params
                if params is None
                else ctx.params.model_copy(update={"max_tokens": params.max_tokens})
            )
            return await ctx.scheduler.send(conversation, wanted)

        async def emit(exchange: LoopTurn) -> None:
            nonlocal turn, previous
            previous = await ctx.finisher.submit(
                partial(
                    self._finish,
                    case,
                    turn,
                    exchange.request,
                    exchange.response,
                    False,
                    previous,
                    loop_record=exchange.record,
                )
            )
            turn += 1

        try:
            await loop.run(case, target=ctx.scheduler.target, send=send, stored=stored, emit=emit)
        except (BudgetReached, asyncio.CancelledError):
            raise
        except Exception as exc:  # the per-case guard, as for any case: stored as the next turn's outcome
            failure = Response(error=ErrorKind.OTHER, error_detail=f"{type(exc).__name__}: {exc}"[:2000])
            await ctx.finisher.submit(
                partial(self._finish, case, turn, case.conversation, failure, False, previous, judged=False)
            )
        ctx.counters.cases_done += 1
        ctx.reporter.tick()

    async def _finish(
        self,
        case: AttackCase,
        turn: int,
        conversation: Conversation,
        response: Response,
        cached: bool,
        previous: asyncio.Task[None] | None,
        *,
        judged: bool = True,
        over: Overridden | None = None,
        loop_record: dict[str, Any] | None = None,
    ) -> None:
        """Score an answer and queue it for the store, after the case's previous turn (off the hot path).

        A failure caught by the case guard (`judged=False`) is stored as it is: no scores, no cache key.
        A scripted warm-up turn (before `case.scored_from_turn`) is stored without scores.
        Loop turns are not cached: the loop's own state decides what it sends next.
        """
        key = self._key(conversation, over) if judged and loop_record is None else None
        scored = judged and turn >= case.scored_from_turn  # a scripted warm-up turn is context only
        judged_case = case
        if turn > 0 and response.actions is not None:
            # an agent's later turn is judged with what was said before it (a confirmation it asked for)
            judged_case = case.model_copy(update={"conversation": conversation})
        scores = await self.ctx.scoring.score(judged_case, response) if scored else ()
        if previous is not None:
            await previous
        extra: dict[str, Any] = {}
        if over is not None:
            extra = over.recorded()
        if loop_record is not None:
            extra[LOOP_KEY] = loop_record
        await self._store(case, turn, conversation, response, scores, key=key, cached=cached, extra=extra)

    def _key(self, conversation: Conversation, over: Overridden | None) -> str:
        key = self.ctx.cache.keyer.key(conversation)
        return over.cache_key(key) if over is not None else key

    async def _answer(
        self,
        conversation: Conversation,
        prefetched: Response | None,
        *,
        looked_up: bool,
        over: Overridden | None = None,
    ) -> tuple[Response, bool]:
        ctx = self.ctx
        if not looked_up and ctx.cache.read:
            key = self._key(conversation, over)
            prefetched = (await ctx.cache.lookup([key])).get(key)
        if prefetched is not None:
            ctx.counters.cached += 1
            return prefetched, True
        if over is not None:
            return await ctx.scheduler.send(conversation, over.params, target=over.target), False
        return await ctx.scheduler.send(conversation, ctx.params), False

    async def _store(
        self,
        case: AttackCase,
        turn: int,
        conversation: Conversation,
        response: Response,
        scores: tuple[Score, ...],
        *,
        key: str | None,
        cached: bool,
        extra: dict[str, Any] | None = None,
    ) -> None:
        ctx = self.ctx
        provenance = ctx.provenance.model_copy(update={"content_hash": key or ""})
        if extra:
            provenance = provenance.model_copy(update={"params": {**provenance.params, **extra}})
        attempt = Attempt(  # validating is cheaper here than model_construct (measured: 15 vs 22 µs)
            id=attempt_id(ctx.round_id, case.id, turn),
            round_id=ctx.round_id,
            case_id=case.id,
            turn=turn,
            request=conversation,
            response=response,
            cached=cached,
            provenance=provenance,
            created_at=datetime.now(UTC),
        )
        write_key = key if ctx.write_cache and not cached and ResponseCache.storable(response) else None
        await ctx.writer.add_async(AttemptRecord(attempt, scores, write_key))
        ctx.counters.attempts += 1
        if response.error is not None:
            ctx.counters.add_error(response.error.value)
