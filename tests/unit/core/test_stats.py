from __future__ import annotations

import pytest

from redline.core.analysis.evidence import Evidence
from redline.core.analysis.stats import clopper_pearson_interval, cohen_kappa, rate_interval, wilson_interval


def test_zero_failures_in_50_has_upper_bound_near_007() -> None:
    interval = rate_interval(0, 50)
    assert interval.low == 0.0
    assert interval.high == pytest.approx(0.0711, abs=0.001)
    assert interval.method == "clopper-pearson"


def test_even_split_gives_textbook_wilson_interval() -> None:
    interval = wilson_interval(50, 100)
    assert interval.low == pytest.approx(0.4038, abs=1e-3)
    assert interval.high == pytest.approx(0.5962, abs=1e-3)


def test_wilson_all_successes_reaches_one() -> None:
    interval = wilson_interval(20, 20)
    assert interval.high == 1.0
    assert interval.low == pytest.approx(0.8389, abs=1e-3)


def test_no_data_is_the_whole_range() -> None:
    assert (wilson_interval(0, 0).low, wilson_interval(0, 0).high) == (0.0, 1.0)


def test_clopper_pearson_known_value() -> None:
    # 3 of 10: exact 95% interval 0.0667-0.6525 (textbook)
    interval = clopper_pearson_interval(3, 10)
    assert interval.low == pytest.approx(0.0667, abs=1e-3)
    assert interval.high == pytest.approx(0.6525, abs=1e-3)


def test_invalid_counts_are_rejected() -> None:
    with pytest.raises(ValueError, match="invalid counts"):
        wilson_interval(5, 3)


def test_evidence_reports_rate_n_and_interval() -> None:
    ev = Evidence.from_counts("injection.direct", failures=12, n=40, could_not_score=3, errors=1)
    assert ev.rate == pytest.approx(0.3)
    assert ev.low < 0.3 < ev.high
    assert ev.describe().startswith("12/40 (30%, 95% CI")
    assert ev.could_not_score == 3


def test_cohen_kappa_textbook_value() -> None:
    # 50 items: yes/yes 20, yes/no 5, no/yes 10, no/no 15 -> po 0.7, pe 0.5, kappa 0.4
    first = ["y"] * 25 + ["n"] * 25
    second = ["y"] * 20 + ["n"] * 5 + ["y"] * 10 + ["n"] * 15
    assert cohen_kappa(first, second) == pytest.approx(0.4)


def test_cohen_kappa_perfect_and_chance() -> None:
    assert cohen_kappa(["a", "b", "a"], ["a", "b", "a"]) == pytest.approx(1.0)
    assert cohen_kappa(["a", "a", "b", "b"], ["a", "b", "a", "b"]) == pytest.approx(0.0)
