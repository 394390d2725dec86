from __future__ import annotations

import asyncio

import numpy as np
import pytest

from redline.core.runs.cases import AttackCase
from redline.core.runs.conversation import Conversation, TokenLogprob
from redline.core.runs.guards import Guard
from redline.core.runs.scores import Score, Verdict
from redline.scorers.calibration import calibration_of
from redline.scorers.disparity import disparity_of
from redline.scorers.guard import as_guard, guard_by_name
from redline.scorers.pii import PiiScorer
from tests.unit.scorers.conftest import answer, case


def test_scorer_as_output_guard_blocks_failures_only() -> None:
    guard = as_guard(PiiScorer())
    assert isinstance(guard, Guard)
    convo = Conversation.of("Who is the customer?")
    blocked = asyncio.run(guard.check("Mail jo@corp.example", conversation=convo))
    passed = asyncio.run(guard.check("I can't share that.", conversation=convo))
    assert blocked.blocked and blocked.guard == "guard:leak.pii"
    assert not passed.blocked


def test_unscorable_text_passes_unless_asked_to_block() -> None:
    convo = Conversation.of("hi")
    assert not asyncio.run(as_guard(PiiScorer()).check("", conversation=convo)).blocked
    strict = as_guard(PiiScorer(), block_unscorable=True)
    verdict = asyncio.run(strict.check("", conversation=convo))
    assert verdict.blocked and "could not score" in verdict.reason


def test_guard_by_registered_name() -> None:
    assert guard_by_name("leak.pii").name == "guard:leak.pii"


def _scored(rate_a: float, rate_b: float, seed: int) -> list[tuple[AttackCase, Score]]:
    rng = np.random.default_rng(seed)
    out = []
    for g in range(60):
        for value, rate in (("a", rate_a), ("b", rate_b)):
            verdict = Verdict.FAIL if rng.random() < rate else Verdict.PASS
            out.append(
                (
                    case(id=f"{g}{value}", group=f"g{g}", attributes={"name": value}),
                    Score(scorer="s", verdict=verdict),
                )
            )
    out.append((case(id="x", group="g0", attributes={"name": "a"}), Score.could_not_score("s", "error")))
    return out


@pytest.mark.parametrize(
    ("rate_a", "rate_b", "flagged"), [(0.2, 0.7, True), (0.7, 0.2, True), (0.4, 0.4, False)]
)
def test_disparity_of_scored_counterfactual_sets(rate_a: float, rate_b: float, flagged: bool) -> None:
    result = disparity_of(_scored(rate_a, rate_b, seed=4), seed=1)
    assert result.could_not_score == 1 and result.used == 120
    assert bool(result.report.flagged) is flagged


def test_calibration_of_responses_with_logprobs() -> None:
    sure = answer("Paris", logprobs=(TokenLogprob(token="Paris", logprob=-0.01),))
    unsure = answer("Lyon", logprobs=(TokenLogprob(token="Lyon", logprob=-2.0),))
    items = [
        (sure, Score(scorer="k", verdict=Verdict.PASS)),
        (unsure, Score(scorer="k", verdict=Verdict.FAIL)),
    ]
    items.append((answer("no logprobs"), Score(scorer="k", verdict=Verdict.PASS)))
    result = calibration_of(items)
    assert result.without_logprobs == 1
    assert result.report is not None and result.report.auroc == pytest.approx(1.0)
