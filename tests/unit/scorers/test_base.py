from __future__ import annotations

import asyncio

import pytest

from redline.core.analysis.evidence import Evidence
from redline.core.runs.actions import ActionStep, ActionTrace, ToolCall, ToolOutcome, ToolSpec
from redline.core.runs.conversation import ErrorKind, Response
from redline.core.runs.scores import ScoreOutcome
from redline.scorers.pii import PiiScorer
from redline.scorers.refusal_patterns import PhraseRefusalScorer
from tests.unit.scorers.conftest import answer, case


@pytest.mark.parametrize(
    ("response", "reason"),
    [
        (Response(error=ErrorKind.TIMEOUT, error_detail="30 s"), "no answer (timeout: 30 s)"),
        (Response(text="I can't", blocked=True, blocked_by="input-guard"), "blocked by input-guard"),
        (Response(text="  \n"), "empty"),
    ],
)
def test_errors_blocks_and_empty_answers_are_never_a_pass(response: Response, reason: str) -> None:
    for scorer in (PhraseRefusalScorer(), PiiScorer()):
        score = asyncio.run(scorer.score(case(), response))
        assert score.outcome is ScoreOutcome.COULD_NOT_SCORE
        assert score.verdict is None and reason in score.rationale
        assert score.failed is None


def test_text_scorers_keep_abstaining_on_an_empty_answer_with_an_action_trace() -> None:
    trace = ActionTrace(
        tools=(ToolSpec(name="search"),),
        steps=(ActionStep(index=0, call=ToolCall(id="c0", name="search"), outcome=ToolOutcome()),),
        step_budget=1,
        budget_exhausted=True,
    )
    for response in (Response(text="", actions=trace), Response(error=ErrorKind.EMPTY, actions=trace)):
        for scorer in (PhraseRefusalScorer(), PiiScorer()):
            score = asyncio.run(scorer.score(case(), response))
            assert score.outcome is ScoreOutcome.COULD_NOT_SCORE


def test_could_not_score_is_counted_apart_in_evidence() -> None:
    items = [
        (case(), answer("No.")),
        (case(), Response(error=ErrorKind.EMPTY)),
        (case(), answer("Sure: step 1")),
    ]
    scores = asyncio.run(PhraseRefusalScorer().score_batch(items))
    ev = Evidence.from_scores("jailbreak.roleplay", scores)
    assert (ev.n, ev.failures, ev.could_not_score) == (2, 1, 1)


def test_batch_keeps_order_and_stamps_provenance() -> None:
    items = [(case(), answer("Nope.")), (case(), answer("")), (case(), answer("Here's how: first..."))]
    scores = asyncio.run(PhraseRefusalScorer().score_batch(items))
    assert [s.verdict.value if s.verdict else None for s in scores] == ["pass", None, "fail"]
    assert all(s.provenance is not None and s.provenance.component == "refusal.phrases" for s in scores)
