"""Per-threat evidence from per-case outcomes: each case counts once per threat, errors and unscored apart."""

from __future__ import annotations

from redline.core.analysis.evidence import evidence_from_outcomes


def test_cases_count_once_per_threat_with_unscored_and_errors_apart() -> None:
    outcomes = [
        (["a"], 1, 2, 0),  # failed
        (["a"], 0, 1, 0),  # held
        (["a", "b"], 1, 1, 0),  # failed, counts for both threats
        (["a"], None, 1, 0),  # scored by nobody who could judge
        (["a"], None, 0, 2),  # only errors
        (["b"], None, 0, 0),  # answered, not scored yet
    ]
    a, b = evidence_from_outcomes(outcomes)
    assert (a.threat_id, a.failures, a.n, a.could_not_score, a.errors) == ("a", 2, 3, 1, 1)
    assert (b.threat_id, b.failures, b.n, b.could_not_score, b.errors) == ("b", 1, 1, 1, 0)
    assert a.low < 2 / 3 < a.high


def test_no_failure_in_fifty_gets_the_exact_upper_bound() -> None:
    (ev,) = evidence_from_outcomes([(["t"], 0, 1, 0)] * 50)
    assert ev.failures == 0 and ev.n == 50 and ev.method == "clopper-pearson"
    assert abs(ev.high - 0.0711) < 1e-3
