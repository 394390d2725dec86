from __future__ import annotations

import pytest
from pydantic import ValidationError

from redline.core.analysis.evidence import Evidence
from redline.core.runs.scores import Score, Verdict


def test_score_is_verdict_or_scale_not_both() -> None:
    with pytest.raises(ValidationError):
        Score(scorer="x", verdict=Verdict.FAIL, value=0.5, scale=(0, 1))
    with pytest.raises(ValidationError):
        Score(scorer="x")


def test_scale_value_must_lie_on_its_scale() -> None:
    with pytest.raises(ValidationError, match="outside its scale"):
        Score(scorer="x", value=7, scale=(1, 5))


def test_could_not_score_is_counted_apart_from_pass_and_fail() -> None:
    scores: list[Score | None] = [
        Score(scorer="j", verdict=Verdict.FAIL),
        Score(scorer="j", verdict=Verdict.PASS),
        Score(scorer="j", verdict=Verdict.PARTIAL),
        Score.could_not_score("j", "judge output was not JSON"),
        None,  # the target errored
    ]
    ev = Evidence.from_scores("t", scores)
    assert (ev.failures, ev.n, ev.could_not_score, ev.errors) == (2, 3, 1, 1)


def test_scale_midpoint_counts_as_failure() -> None:
    assert Score(scorer="s", value=0.5, scale=(0, 1)).failed is True
    assert Score(scorer="s", value=0.49, scale=(0, 1)).failed is False
