"""Score each response as it arrives, in batches: `score_batch` gets answers from many cases at once.

Batching is what lets model-backed scorers (embeddings, classifiers, judges) amortise their cost, and
it saves the thread hop per answer of scorers that judge in a worker thread. A scorer collects up to
its `batch_size` (a class attribute; 32 when absent) answers for up to `batch_ms`; `batch_size = 1`
judges inline, one answer at a time. Scoring runs beside the workers, so waiting for a batch never
holds a request slot. A scorer that raises gives `could_not_score` with the error as its rationale.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from redline.core.runs.cases import AttackCase
from redline.core.runs.conversation import ErrorKind, Response
from redline.core.runs.scores import Score
from redline.scorers.base import Scorer

DEFAULT_BATCH = 32
# Responses that are answers of a kind (a block, silence) are judged; transport failures are not.
SCORED_ERRORS = frozenset({ErrorKind.CONTENT_FILTER, ErrorKind.EMPTY})


def should_score(response: Response) -> bool:
    """True when a response is an answer a scorer can judge (including blocks and empty answers)."""
    return response.error is None or response.error in SCORED_ERRORS


def _failed(scorer: Scorer, exc: BaseException) -> Score:
    return Score.could_not_score(scorer.name, f"scorer {scorer.name} raised {type(exc).__name__}: {exc}")


GROUP_WAIT_S = 1.0
"""How long a group-scoring batcher waits for another answer of a group before judging the group."""


class _Batcher:
    """Collects items for one batched scorer and judges them together.

    A scorer that compares the answers of a counterfactual group with each other (class attribute
    `scores_groups = True`) gets every answer of a group in one batch: the batcher holds a group's
    answers until none has arrived for `group_wait_s` (cases of a group are planned one after the
    other, so they arrive close together), or until `drain`.
    """

    def __init__(
        self, scorer: Scorer, *, size: int, wait_s: float, group_wait_s: float = GROUP_WAIT_S
    ) -> None:
        self.scorer = scorer
        self.size = size
        self.wait_s = wait_s
        self.group_wait_s = group_wait_s
        self.by_group = bool(getattr(scorer, "scores_groups", False))
        self._items: list[tuple[AttackCase, Response, asyncio.Future[Score]]] = []
        self._groups: dict[str, list[tuple[AttackCase, Response, asyncio.Future[Score]]]] = {}
        self._group_timers: dict[str, asyncio.TimerHandle] = {}
        self._timer: asyncio.TimerHandle | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    def _hold(self, group: str, item: tuple[AttackCase, Response, asyncio.Future[Score]]) -> None:
        self._groups.setdefault(group, []).append(item)
        timer = self._group_timers.pop(group, None)
        if timer is not None:
            timer.cancel()
        self._group_timers[group] = asyncio.get_running_loop().call_later(
            self.group_wait_s, self._release, group
        )

    def _release(self, group: str) -> None:
        timer = self._group_timers.pop(group, None)
        if timer is not None:
            timer.cancel()
        items = self._groups.pop(group, [])
        if items:
            task = asyncio.get_running_loop().create_task(self._judge(items))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    def submit(self, case: AttackCase, response: Response) -> asyncio.Future[Score]:
        """Add an answer to the batch; its score arrives when the batch fills or the wait runs out."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Score] = loop.create_future()
        if self.by_group and case.group:
            self._hold(case.group, (case, response, future))
            return future
        self._items.append((case, response, future))
        if len(self._items) >= self.size:
            self._launch()
        elif self._timer is None:
            self._timer = loop.call_later(self.wait_s, self._launch)
        return future

    def _launch(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        items, self._items = self._items, []
        if items:
            task = asyncio.get_running_loop().create_task(self._judge(items))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _judge(self, items: list[tuple[AttackCase, Response, asyncio.Future[Score]]]) -> None:
        try:
            scores = await self.scorer.score_batch([(c, r) for c, r, _ in items])
            if len(scores) != len(items):
                raise ValueError(f"score_batch returned {len(scores)} scores for {len(items)} responses")
        except Exception as exc:  # recorded: every item gets could-not-score naming the error
            scores = [_failed(self.scorer, exc)] * len(items)
        for (_, _, future), score in zip(items, scores, strict=True):
            if not future.done():
                future.set_result(score)

    async def drain(self) -> None:
        """Judge what waits now and wait for every batch in progress."""
        self._launch()
        for group in list(self._groups):
            self._release(group)
        while self._tasks:
            await asyncio.gather(*list(self._tasks))


class Scoring:
    """The scorers of a round, split into inline and batched."""

    def __init__(self, scorers: Sequence[Scorer], *, batch_ms: float = 50.0) -> None:
        self.inline: list[Scorer] = []
        self.batched: list[_Batcher] = []
        for scorer in scorers:
            size = int(getattr(scorer, "batch_size", DEFAULT_BATCH) or 1)
            if size > 1:
                self.batched.append(_Batcher(scorer, size=size, wait_s=batch_ms / 1000))
            else:
                self.inline.append(scorer)

    @property
    def batch_capacity(self) -> int:
        """How many responses may wait in batches at once."""
        return max((b.size for b in self.batched), default=0)

    async def score(self, case: AttackCase, response: Response) -> tuple[Score, ...]:
        """Every scorer's judgement of one response (empty for transport failures)."""
        if not should_score(response):
            return ()
        # A case planned from a playbook step is judged by that step's scorers only: a refusal detector
        # reading a false-premise answer, say, would call an honest answer a failure.
        wanted = frozenset(case.scorers)
        scores: list[Score] = []
        for scorer in self.inline:
            if wanted and scorer.name not in wanted:
                continue
            try:
                scores.append(await scorer.score(case, response))
            except Exception as exc:  # recorded as could-not-score, with the error as rationale
                scores.append(_failed(scorer, exc))
        futures = [b.submit(case, response) for b in self.batched if not wanted or b.scorer.name in wanted]
        if futures:
            scores.extend(await asyncio.gather(*futures))
        return tuple(scores)

    async def drain(self) -> None:
        """Judge whatever waits in a batch."""
        for batcher in self.batched:
            await batcher.drain()
