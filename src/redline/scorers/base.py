"""The Scorer protocol: judge one response to one case; a response it cannot judge is an explicit outcome."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from enum import StrEnum
from typing import Any, ClassVar, Protocol, runtime_checkable

from redline.core.provenance import Provenance
from redline.core.runs.cases import AttackCase
from redline.core.runs.conversation import ErrorKind, Response
from redline.core.runs.scores import Score, Verdict


@runtime_checkable
class Scorer(Protocol):
    """Judges responses. `score_batch` lets model-backed scorers amortise their cost."""

    name: ClassVar[str]
    version: ClassVar[str]

    async def score(self, case: AttackCase, response: Response) -> Score:
        """Judge one response; errors and empty answers give `Score.could_not_score`, never PASS."""
        ...

    async def score_batch(self, items: Sequence[tuple[AttackCase, Response]]) -> list[Score]:
        """Judge many responses, in order."""
        ...


class ScoreKind(StrEnum):
    """Whether a scorer gives verdicts (pass / fail / partial) or values on a scale."""

    VERDICT = "verdict"
    SCALE = "scale"


def unscorable(
    scorer: str, response: Response, *, provenance: Provenance | None = None, actions: bool = False
) -> Score | None:
    """The could-not-score outcome for an error, a filter block or an empty answer; None if judgeable.

    None of these is evidence that the model held, so none may ever count as a PASS. With `actions`
    (a scorer that judges what the target did), an empty final answer is judgeable when the response
    carries an action trace: a tool loop that ran out of steps often ends without text.
    """
    traced = actions and response.actions is not None and not response.blocked
    if traced and (response.error is None or response.error is ErrorKind.EMPTY):
        return None
    if response.error is not None:
        detail = f": {response.error_detail}" if response.error_detail else ""
        return Score.could_not_score(
            scorer, f"the target gave no answer ({response.error.value}{detail})", provenance
        )
    if response.blocked:
        by = response.blocked_by or "a filter"
        return Score.could_not_score(scorer, f"the exchange was blocked by {by} before an answer", provenance)
    if not response.text.strip():
        return Score.could_not_score(scorer, "the answer is empty", provenance)
    return None


class BaseScorer:
    """Shared machinery: pre-checks for unjudgeable responses, batching, provenance.

    A subclass implements `judge_batch` (async, for model-backed judges) or `judge` (sync, run in a
    worker thread so the event loop stays free); both see only responses with text.
    """

    name: ClassVar[str]
    version: ClassVar[str] = "1"
    kind: ClassVar[ScoreKind] = ScoreKind.VERDICT
    threats: ClassVar[tuple[str, ...]] = ()
    judges_actions: ClassVar[bool] = False
    """True for scorers that judge the action trace: they judge a traced exchange with an empty answer."""

    def params(self) -> dict[str, Any]:
        """The parameters this scorer runs with, recorded in every score's provenance."""
        return {}

    def provenance(self) -> Provenance:
        """Provenance stamped on the scores of this scorer."""
        return Provenance(component=self.name, version=self.version, params=self.params())

    async def score(self, case: AttackCase, response: Response) -> Score:
        """Judge one response."""
        return (await self.score_batch([(case, response)]))[0]

    async def score_batch(self, items: Sequence[tuple[AttackCase, Response]]) -> list[Score]:
        """Judge many responses in order; errors, blocks and empty answers are could-not-score."""
        prov = self.provenance()
        out: list[Score | None] = [
            unscorable(self.name, r, provenance=prov, actions=self.judges_actions) for _, r in items
        ]
        pending = [i for i, s in enumerate(out) if s is None]
        if pending:
            judged = await self.judge_batch([items[i] for i in pending])
            for i, score in zip(pending, judged, strict=True):
                out[i] = (
                    score if score.provenance is not None else score.model_copy(update={"provenance": prov})
                )
        return [s for s in out if s is not None]

    async def judge_batch(self, items: Sequence[tuple[AttackCase, Response]]) -> list[Score]:
        """Judge responses that have text; by default `judge` on each, in a worker thread."""
        return await asyncio.to_thread(lambda: [self.judge(c, r) for c, r in items])

    def judge(self, case: AttackCase, response: Response) -> Score:
        """Judge one response that has text."""
        raise NotImplementedError(f"{type(self).__name__} implements neither judge nor judge_batch")

    def verdict(self, verdict: Verdict, rationale: str) -> Score:
        """A verdict score of this scorer."""
        return Score(scorer=self.name, verdict=verdict, rationale=rationale, provenance=self.provenance())

    def cannot(self, reason: str) -> Score:
        """A could-not-score outcome of this scorer."""
        return Score.could_not_score(self.name, reason, self.provenance())
