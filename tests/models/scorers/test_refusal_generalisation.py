"""The embedding-backed refusal detector on fresh answers in the weak styles (issue 15)."""

from __future__ import annotations

import pytest

from redline.scorers.embeddings import Embedder
from redline.scorers.refusal import RefusalScorer
from redline.scorers.refusal_patterns import RefusalOutcome
from tests.unit.scorers.test_refusal_generalisation import FRESH, OBJECTIVE


@pytest.mark.slow
@pytest.mark.parametrize(("text", "expected"), FRESH, ids=lambda v: str(v)[:24])
def test_fresh_answers_in_the_weak_styles(embedder: Embedder, text: str, expected: RefusalOutcome) -> None:
    (judgement,) = RefusalScorer(embedder=embedder).classify([text], [OBJECTIVE])
    assert judgement.outcome is expected
