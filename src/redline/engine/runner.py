"""Run cases: one conversation per case, turn by turn, each turn stored with its scores as it completes."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from redline.attacks.base import MultiTurnStrategy
from redline.core.cases import AttackCase
from redline.core.conversation import Conversation, ErrorKind, GenerationParams, MessageRole, Response
from redline.core.provenance import Provenance
from redline.core.rounds import Attempt
from redline.core.scores import Score
from redline.engine.cache import ResponseCache
from redline.engine.checkpoint import attempt_id, resume_point
from redline.engine.events import Reporter, RunCounters
from redline.engine.scheduler import BudgetReached, TargetScheduler
from redline.engine.scoring import Scoring, should_score
from redline.engine.writer import AttemptRecord, BatchWriter
from redline.store.session import Store


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


class CaseRunner:
    """Runs one case to its end; its guard turns any failure into a stored error outcome."""

    def __init__(self, ctx: RunContext) -> None:
        self.ctx = ctx

    async def run(
        self, item: WorkItem, *, prefetched: Response | None = None, looked_up: bool = False
    ) -> None:
        """Run the case's remaining turns; raises only BudgetReached (case left for a resume).

        `looked_up` says the first turn's cache lookup was already made (`prefetched` is its result).
        """
        ctx, case = self.ctx, item.case
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
        try:
            while True:
                key = ctx.cache.keyer.key(conversation)
                response, cached = await self._answer(conversation, key, prefetched, looked_up=looked_up)
                prefetched, looked_up = None, False
                scores = await ctx.scoring.score(case, response)
                await self._store(case, turn, conversation, response, scores, key=key, cached=cached)
                if strategy is None or turn + 1 >= case.turns or not should_score(response):
                    break
                history = conversation.add(MessageRole.ASSISTANT, response.text)
                turn += 1
                conversation = history  # recorded as the request if the strategy fails
                message = await strategy.next_message(case, history, turn=turn)
                if message is None:
                    break
                conversation = history.add(MessageRole.USER, message)
        except (BudgetReached, asyncio.CancelledError):
            raise
        except Exception as exc:  # the per-case guard: what went wrong is stored as this turn's outcome
            failure = Response(error=ErrorKind.OTHER, error_detail=f"{type(exc).__name__}: {exc}"[:2000])
            await self._store(case, turn, conversation, failure, (), key=None, cached=False)
        ctx.counters.cases_done += 1
        ctx.reporter.tick()

    async def _answer(
        self, conversation: Conversation, key: str, prefetched: Response | None, *, looked_up: bool
    ) -> tuple[Response, bool]:
        ctx = self.ctx
        if not looked_up and ctx.cache.read:
            prefetched = (await ctx.cache.lookup([key])).get(key)
        if prefetched is not None:
            ctx.counters.cached += 1
            return prefetched, True
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
    ) -> None:
        ctx = self.ctx
        attempt = Attempt.model_construct(
            id=attempt_id(ctx.round_id, case.id, turn),
            round_id=ctx.round_id,
            case_id=case.id,
            turn=turn,
            request=conversation,
            response=response,
            cached=cached,
            provenance=ctx.provenance.model_copy(update={"content_hash": key or ""}),
            created_at=datetime.now(UTC),
        )
        write_key = key if ctx.write_cache and not cached and ResponseCache.storable(response) else None
        await ctx.writer.add_async(AttemptRecord(attempt, scores, write_key))
        ctx.counters.attempts += 1
        if response.error is not None:
            ctx.counters.add_error(response.error.value)
