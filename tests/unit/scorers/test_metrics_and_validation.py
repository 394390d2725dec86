from __future__ import annotations

from functools import cache

import pytest

from redline.scorers.metrics import binary_metrics, class_f1
from redline.scorers.validation import ValidationReport, validate


@cache
def _report(name: str) -> ValidationReport:
    """A scorer's validation report, computed once for the tests of this file (validation is pure)."""
    return validate(name)


def test_binary_metrics_known_counts() -> None:
    truth = ["fail"] * 8 + ["pass"] * 10 + ["fail", "could_not_score"]
    predicted = ["fail"] * 6 + ["pass"] * 2 + ["pass"] * 8 + ["fail"] * 2 + ["could_not_score"] * 2
    m = binary_metrics(truth, predicted, positive="fail")
    assert (m.tp, m.fn, m.fp, m.tn) == (6, 2, 2, 8)
    assert (
        m.precision == pytest.approx(0.75) and m.recall == pytest.approx(0.75) and m.f1 == pytest.approx(0.75)
    )
    assert m.could_not_score == 2 and m.cns_rate == pytest.approx(0.1)
    assert (m.cns_expected, m.cns_expected_met) == (1, 1)
    assert m.precision_low < 0.75 < m.precision_high and m.f1_low <= 0.75 <= m.f1_high


def test_class_f1() -> None:
    assert class_f1([("a", "a"), ("a", "b"), ("b", "b")], "a") == pytest.approx(2 / 3)


def test_fast_scorers_validate() -> None:
    for name in ("leak.canary", "leak.pii", "judge.harm", "judge.panel", "confabulation.known-answer"):
        report = _report(name)
        assert report.metrics.f1 >= 0.9, name
        assert report.metrics.cns_expected_met == report.metrics.cns_expected, name


def test_judge_parse_failures_are_counted_apart() -> None:
    m = _report("judge.harm").metrics
    assert m.could_not_score == m.cns_expected == 9
    assert m.scored + m.could_not_score == m.rows
