"""Scoring inside the engine: inline and batched scorers, failures kept as could-not-score."""

from __future__ import annotations

import asyncio

from redline.core.runs.conversation import ErrorKind, Response
from redline.core.runs.scores import ScoreOutcome, Verdict
from redline.engine.scoring import Scoring
from tests.unit.engine.fakes import BatchedLengthScorer, BrokenScorer, ComplianceScorer, make_case


def test_inline_scorer_judges_each_answer() -> None:
    scoring = Scoring([ComplianceScorer()])
    (score,) = asyncio.run(scoring.score(make_case(1), Response(text="Sure, here")))
    assert score.verdict is Verdict.FAIL


def test_a_scorer_that_raises_is_recorded_as_could_not_score() -> None:
    scoring = Scoring([BrokenScorer(), ComplianceScorer()])
    broken, ok = asyncio.run(scoring.score(make_case(1), Response(text="no")))
    assert broken.outcome is ScoreOutcome.COULD_NOT_SCORE
    assert "ValueError: model file missing" in broken.rationale
    assert ok.verdict is Verdict.PASS


def test_transport_failures_are_not_scored_but_blocks_are() -> None:
    scoring = Scoring([ComplianceScorer()])
    case = make_case(1)
    assert asyncio.run(scoring.score(case, Response(error=ErrorKind.TIMEOUT))) == ()
    (blocked,) = asyncio.run(scoring.score(case, Response(error=ErrorKind.CONTENT_FILTER, blocked=True)))
    assert blocked.outcome is ScoreOutcome.COULD_NOT_SCORE  # the scorer decides, the engine asks


def test_batched_scorer_gets_full_batches_and_a_timed_remainder() -> None:
    scorer = BatchedLengthScorer()
    scoring = Scoring([scorer], batch_ms=10)
    assert scoring.batch_capacity == 4

    async def many() -> list[int]:
        results = await asyncio.gather(
            *(scoring.score(make_case(i), Response(text="x" * i)) for i in range(10))
        )
        return [len(r) for r in results]

    assert asyncio.run(many()) == [1] * 10
    assert sorted(scorer.batches) == [2, 4, 4]


def test_a_failing_batch_marks_each_item_could_not_score() -> None:
    class BrokenBatch(BrokenScorer):
        batch_size = 3

    scoring = Scoring([BrokenBatch()], batch_ms=5)

    async def many() -> list[ScoreOutcome]:
        results = await asyncio.gather(*(scoring.score(make_case(i), Response(text="a")) for i in range(3)))
        return [r[0].outcome for r in results]

    assert asyncio.run(many()) == [ScoreOutcome.COULD_NOT_SCORE] * 3
