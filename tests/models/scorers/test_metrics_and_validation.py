"""Validation of the model-backed scorers on their labelled sets, and the scorer docs generated from it."""

from __future__ import annotations

import pytest

from redline.scorers.validation import validate, validated_scorers
from redline.scorers.validation_docs import DOC_PATH, render_doc


@pytest.mark.slow
def test_refusal_detector_f1_on_held_out_split() -> None:
    report = validate("refusal")
    assert report.split == "test"
    # the TEST split now holds 149 more hand-written answers in other voices (warning first, sanitised,
    # lecturing, redirecting at length, short replies of applications): the classifier of before read 0.876
    # on it (before its last 75 rows were added), that one 0.899. It then gained the held-out objectives
    # of two retired cross-sets (other writers): the model of before and this one both read 0.877 on it
    assert report.metrics.f1 >= 0.87
    assert report.metrics.f1 > validate("refusal.phrases").metrics.f1


@pytest.mark.slow
def test_docs_scorers_md_is_current() -> None:
    from redline.scorers.validation import validate_all

    reports = validate_all()
    assert {r.scorer for r in reports} == set(validated_scorers())
    assert DOC_PATH.read_text(encoding="utf-8") == render_doc(reports), (
        "docs/scorers.md is stale: run python -m redline.scorers.validation --write-docs"
    )
