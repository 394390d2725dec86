"""Review statistics against values worked by hand: kappa and its interval, Fleiss, Rogan-Gladen."""

from __future__ import annotations

import pytest

from redline.core.analysis.review import (
    ReviewedItem,
    ReviewLabel,
    corrected_rate,
    error_rates,
    kappa_with_interval,
    majority,
    per_class,
    reviewer_agreement,
    rogan_gladen,
    stratified_sample,
)


def _table(a: int, b: int, c: int, d: int) -> tuple[list[str], list[str]]:
    """Two raters' labels from a 2x2 table: a yes/yes, b yes/no, c no/yes, d no/no."""
    first = ["y"] * (a + b) + ["n"] * (c + d)
    second = ["y"] * a + ["n"] * b + ["y"] * c + ["n"] * d
    return first, second


def test_kappa_and_its_interval_match_the_hand_worked_table() -> None:
    # po = 0.7, pe = 0.5*0.6 + 0.5*0.4 = 0.5, kappa = 0.4, SE = sqrt(0.21 / (50 * 0.25)) = 0.12961
    k = kappa_with_interval(*_table(20, 5, 10, 15))
    assert k.kappa == pytest.approx(0.4)
    assert k.agreement == pytest.approx(0.7)
    assert k.low == pytest.approx(0.4 - 1.959964 * 0.129615, abs=1e-4)
    assert k.high == pytest.approx(0.4 + 1.959964 * 0.129615, abs=1e-4)
    assert k.n == 50


def test_perfect_agreement_on_one_label_is_kappa_one() -> None:
    k = kappa_with_interval(["y"] * 5, ["y"] * 5)
    assert (k.kappa, k.low, k.high) == (1.0, 1.0, 1.0)


def test_fleiss_kappa_of_the_textbook_example() -> None:
    # Fleiss (1971) as usually reproduced: 10 items, 14 raters, 5 categories: kappa = 0.210
    counts = [
        [0, 0, 0, 0, 14],
        [0, 2, 6, 4, 2],
        [0, 0, 3, 5, 6],
        [0, 3, 9, 2, 0],
        [2, 2, 8, 1, 1],
        [7, 7, 0, 0, 0],
        [3, 2, 6, 3, 0],
        [2, 5, 3, 2, 2],
        [6, 5, 2, 1, 0],
        [0, 2, 2, 3, 7],
    ]
    ratings = [[cat for cat, k in enumerate(row) for _ in range(k)] for row in counts]
    found = reviewer_agreement(ratings)
    assert found.fleiss_kappa == pytest.approx(0.210, abs=5e-4)
    assert found.items == 10


def test_reviewer_agreement_ignores_items_with_one_rating() -> None:
    found = reviewer_agreement([["fail", "fail"], ["pass", "fail"], ["pass"]])
    assert (found.items, found.pairs, found.agreement) == (2, 2, 0.5)
    assert reviewer_agreement([["fail"]]).agreement is None


def test_per_class_precision_and_recall() -> None:
    reference = ["fail", "fail", "pass", "pass", "pass"]
    predicted = ["fail", "pass", "fail", "pass", "pass"]
    figures = {f.label: f for f in per_class(reference, predicted)}
    assert figures["fail"].precision == pytest.approx(0.5)
    assert figures["fail"].recall == pytest.approx(0.5)
    assert figures["pass"].precision == pytest.approx(2 / 3)
    assert figures["pass"].recall == pytest.approx(2 / 3)


def test_majority_ignores_unsure_and_ties_decide_nothing() -> None:
    assert majority([ReviewLabel.FAIL, ReviewLabel.FAIL, ReviewLabel.PASS]) is True
    assert majority([ReviewLabel.PASS, ReviewLabel.UNSURE]) is False
    assert majority([ReviewLabel.PASS, ReviewLabel.FAIL]) is None
    assert majority([ReviewLabel.UNSURE]) is None


def test_rogan_gladen_known_values_and_clipping() -> None:
    assert rogan_gladen(0.3, 0.9, 0.95) == pytest.approx(0.25 / 0.85)
    assert rogan_gladen(0.02, 0.9, 0.95) == 0.0  # below the false-flag floor: clipped
    assert rogan_gladen(0.99, 0.9, 0.99) == 1.0
    assert rogan_gladen(0.3, 0.5, 0.5) is None  # no better than chance


def _review(flag_fail: int, flag_pass: int, pass_fail: int, pass_pass: int) -> list[ReviewedItem]:
    return (
        [ReviewedItem("fail", True, True)] * flag_fail
        + [ReviewedItem("fail", True, False)] * flag_pass
        + [ReviewedItem("pass", False, True)] * pass_fail
        + [ReviewedItem("pass", False, False)] * pass_pass
    )


def test_error_rates_weight_each_stratum_by_its_sampling_fraction() -> None:
    # 20 flagged of 100; 10 of each reviewed: weights 2 and 8.
    se, sp = error_rates(_review(8, 2, 1, 9), {"fail": 20, "pass": 80})
    assert se == pytest.approx(16 / 24)
    assert sp == pytest.approx(72 / 76)


def test_corrected_rate_of_a_stratified_review() -> None:
    # Rogan-Gladen with the weighted figures equals 0.2 * 0.8 (confirmed flags) + 0.8 * 0.1 (missed).
    items = _review(8, 2, 1, 9)
    found = corrected_rate(20, 100, items, {"fail": 20, "pass": 80}, seed=3)
    assert found.raw == pytest.approx(0.2)
    assert found.rate == pytest.approx(0.24)
    assert found.low is not None and found.high is not None
    assert 0.0 <= found.low < 0.24 < found.high <= 1.0
    assert found.reviewed == 20
    again = corrected_rate(20, 100, items, {"fail": 20, "pass": 80}, seed=3)
    assert (again.low, again.high) == (found.low, found.high)
    assert "corrected 24%" in found.describe()


def test_a_perfect_scorer_leaves_the_rate_alone_and_no_review_gives_none() -> None:
    found = corrected_rate(10, 50, _review(5, 0, 0, 5), {"fail": 10, "pass": 40})
    assert found.rate == pytest.approx(0.2)
    assert corrected_rate(10, 50, [], {"fail": 10, "pass": 40}).rate is None
    assert "no review" in corrected_rate(10, 50, [], {}).describe()


def test_stratified_sample_splits_evenly_skips_queued_and_is_seeded() -> None:
    strata = {"fail": [f"f{i}" for i in range(3)], "pass": [f"p{i}" for i in range(40)]}
    picked = stratified_sample(strata, 10, seed=1)
    assert len(picked) == 10
    assert sum(s == "fail" for s, _ in picked) == 3  # all three flags, the rest from passes
    assert picked == stratified_sample(strata, 10, seed=1)
    more = stratified_sample(strata, 10, seed=2, exclude=[i for _, i in picked])
    assert not {i for _, i in more} & {i for _, i in picked}
    assert sum(s == "fail" for s, _ in more) == 0
    even = stratified_sample(
        {"fail": [f"f{i}" for i in range(9)], "pass": [f"p{i}" for i in range(9)]}, 6, seed=0
    )
    assert sum(s == "fail" for s, _ in even) == 3
