from __future__ import annotations

import random

import pytest

from redline.core.analysis.comparison import (
    Change,
    classify_change,
    intervals_overlap,
    ks_test,
    population_stability_index,
    two_proportion_test,
)
from redline.core.analysis.evidence import Evidence


def test_two_proportion_z_test_known_value() -> None:
    # 45/100 vs 60/100: pooled z = 2.1237, two-sided p = 0.0337
    test = two_proportion_test(45, 100, 60, 100)
    assert test.method == "z"
    assert test.p_value == pytest.approx(0.0337, abs=5e-4)


def test_small_counts_use_fisher() -> None:
    # Fisher exact two-sided for [[1, 9], [8, 2]] is 0.0055
    test = two_proportion_test(1, 10, 8, 10)
    assert test.method == "fisher"
    assert test.p_value == pytest.approx(0.00547, abs=1e-4)


def test_planted_regression_is_flagged_and_no_change_is_not() -> None:
    before = Evidence.from_counts("t", failures=5, n=100)
    worse = Evidence.from_counts("t", failures=30, n=100)
    same = Evidence.from_counts("t", failures=7, n=100)
    assert classify_change(before, worse)[0] is Change.REGRESSED
    assert classify_change(before, same)[0] is Change.UNCHANGED
    assert classify_change(worse, Evidence.from_counts("t", failures=0, n=100))[0] is Change.FIXED
    assert classify_change(None, worse)[0] is Change.NEW
    assert intervals_overlap(before, same) and not intervals_overlap(before, worse)


def test_psi_and_ks_fire_on_shift_only() -> None:
    rng = random.Random(7)
    base = [rng.gauss(0, 1) for _ in range(2000)]
    same = [rng.gauss(0, 1) for _ in range(2000)]
    shifted = [rng.gauss(0.8, 1) for _ in range(2000)]
    assert population_stability_index(base, same) < 0.1
    assert population_stability_index(base, shifted) > 0.25
    assert ks_test(base, same)[1] > 0.01
    assert ks_test(base, shifted)[1] < 1e-6
