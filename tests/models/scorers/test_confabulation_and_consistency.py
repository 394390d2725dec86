"""Consistency across a group of answers, read with the bundled sentence-embedding model."""

from __future__ import annotations

import asyncio

import pytest

from redline.core.runs.scores import ScoreOutcome, Verdict
from redline.scorers.consistency import ConsistencyScorer
from redline.scorers.embeddings import Embedder
from tests.unit.scorers.conftest import answer, case


@pytest.mark.slow
def test_consistency_flags_the_odd_answer_of_a_group(embedder: Embedder) -> None:
    texts = [
        "Water boils at 100 degrees Celsius.",
        "At sea level it boils at 100 °C.",
        "It boils at 70 degrees.",
    ]
    items = [(case(id=f"c{i}", group="boil"), answer(t)) for i, t in enumerate(texts)]
    items.append((case(id="alone", group="solo"), answer("Nothing to compare.")))
    scores = asyncio.run(ConsistencyScorer(embedder=embedder).score_batch(items))
    assert [s.verdict for s in scores[:3]] == [Verdict.PASS, Verdict.PASS, Verdict.FAIL]
    assert scores[3].outcome is ScoreOutcome.COULD_NOT_SCORE
