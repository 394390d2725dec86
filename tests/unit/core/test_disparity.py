from __future__ import annotations

import numpy as np
import pytest

from redline.core.analysis.disparity import (
    CounterfactualObservation,
    OutcomeKind,
    PairedTest,
    assess_disparity,
    holm_adjust,
    paired_difference_test,
)


def test_holm_textbook_values() -> None:
    # m = 4, sorted p 0.01, 0.02, 0.03, 0.04 -> 0.04, 0.06, 0.06, 0.06
    assert holm_adjust([0.04, 0.01, 0.03, 0.02]) == pytest.approx([0.06, 0.04, 0.06, 0.06])


def test_wilcoxon_textbook_value() -> None:
    # the classic 15-pair example: W = 24, exact two-sided p = 0.0413
    d = [6, 8, 14, 16, 23, 24, 28, 29, 41, -48, 49, 56, 60, -67, 75]
    stat, p = paired_difference_test(d)
    assert stat == 24.0
    assert p == pytest.approx(0.041259765625, abs=1e-9)


def test_sign_test_known_value() -> None:
    # 9 of 10 non-zero differences positive: two-sided binomial p = 22/1024
    stat, p = paired_difference_test([1.0] * 9 + [-1.0, 0.0], test=PairedTest.SIGN)
    assert stat == 9.0
    assert p == pytest.approx(22 / 1024)


def test_all_zero_differences_are_untestable() -> None:
    assert paired_difference_test([0.0, 0.0]) == (None, 1.0)


def _verdict_sets(rate_a: float, rate_b: float, *, n: int, seed: int) -> list[CounterfactualObservation]:
    rng = np.random.default_rng(seed)
    obs = []
    for g in range(n):
        for value, rate in (("a", rate_a), ("b", rate_b)):
            outcome = float(rng.random() < rate)
            obs.append(CounterfactualObservation(group=f"g{g}", attributes={"name": value}, outcome=outcome))
    return obs


def test_fisher_used_for_small_tables_with_textbook_p() -> None:
    # tea tasting: [[3, 1], [1, 3]] -> two-sided p = 0.4857
    obs = [
        CounterfactualObservation(group=f"g{i}", attributes={"x": v}, outcome=o)
        for i, (v, o) in enumerate([("b", 1.0)] * 3 + [("b", 0.0)] + [("a", 1.0)] + [("a", 0.0)] * 3)
    ]
    report = assess_disparity(obs, kind=OutcomeKind.VERDICT)
    (cmp,) = report.comparisons
    assert cmp.test == "fisher"
    assert cmp.p_value == pytest.approx(0.4857, abs=1e-4)


def test_chi_square_used_for_large_tables_with_textbook_value() -> None:
    # [[10, 20], [20, 10]]: Pearson chi-square 6.667, p = 0.00982
    obs = []
    for i in range(30):
        obs.append(CounterfactualObservation(group=f"g{i}", attributes={"x": "b"}, outcome=float(i < 10)))
        obs.append(CounterfactualObservation(group=f"g{i}", attributes={"x": "a"}, outcome=float(i < 20)))
    (cmp,) = assess_disparity(obs, kind=OutcomeKind.VERDICT).comparisons
    assert cmp.test == "chi-square"
    assert cmp.statistic == pytest.approx(6.6667, abs=1e-3)
    assert cmp.p_value == pytest.approx(0.00982, abs=1e-4)
    assert cmp.rates["b"][:2] == (10, 30)
    assert cmp.effect == pytest.approx(10 / 30 - 20 / 30)


@pytest.mark.parametrize("direction", [1, -1])
def test_planted_verdict_difference_is_flagged_both_directions(direction: int) -> None:
    high, low = 0.7, 0.2
    rates = (high, low) if direction == 1 else (low, high)
    report = assess_disparity(_verdict_sets(*rates, n=80, seed=7), kind=OutcomeKind.VERDICT, seed=3)
    (cmp,) = report.comparisons
    assert cmp.flagged
    assert np.sign(cmp.effect) == -direction  # effect is value "b" minus reference "a"
    assert cmp.effect_low <= cmp.effect <= cmp.effect_high
    assert (cmp.effect_high < 0) if direction == 1 else (cmp.effect_low > 0)


def test_no_difference_is_not_flagged() -> None:
    report = assess_disparity(_verdict_sets(0.4, 0.4, n=80, seed=11), kind=OutcomeKind.VERDICT)
    assert not report.flagged


def _scale_sets(shift: float, *, n: int, seed: int) -> list[CounterfactualObservation]:
    rng = np.random.default_rng(seed)
    obs = []
    for g in range(n):
        base = rng.uniform(1, 4)
        for value, delta in (("x", 0.0), ("y", shift)):
            obs.append(
                CounterfactualObservation(
                    group=f"g{g}", attributes={"age": value}, outcome=base + delta + rng.normal(0, 0.3)
                )
            )
    return obs


@pytest.mark.parametrize("shift", [0.5, -0.5])
@pytest.mark.parametrize("test", [PairedTest.WILCOXON, PairedTest.SIGN])
def test_planted_scale_shift_is_flagged(shift: float, test: PairedTest) -> None:
    report = assess_disparity(_scale_sets(shift, n=40, seed=5), kind=OutcomeKind.SCALE, paired_test=test)
    (cmp,) = report.comparisons
    assert cmp.flagged and cmp.test == test.value
    assert cmp.effect == pytest.approx(shift, abs=0.2)
    assert cmp.effect_low < shift < cmp.effect_high


def test_no_scale_shift_is_not_flagged() -> None:
    assert not assess_disparity(_scale_sets(0.0, n=40, seed=5), kind=OutcomeKind.SCALE).flagged


def test_holm_correction_applies_across_attributes() -> None:
    obs = _scale_sets(0.0, n=12, seed=1)
    rng = np.random.default_rng(2)
    obs = [
        CounterfactualObservation(o.group, {**o.attributes, "tone": rng.choice(["p", "q"])}, o.outcome)
        for o in obs
    ]
    report = assess_disparity(obs, kind=OutcomeKind.SCALE)
    assert {c.attribute for c in report.comparisons} == {"age", "tone"}
    smallest = min(c.p_value for c in report.comparisons)
    assert min(c.p_adjusted for c in report.comparisons) == pytest.approx(min(1.0, 2 * smallest))


def test_bootstrap_is_reproducible_with_a_seed() -> None:
    obs = _scale_sets(0.3, n=20, seed=9)
    a = assess_disparity(obs, kind=OutcomeKind.SCALE, seed=42).comparisons[0]
    b = assess_disparity(obs, kind=OutcomeKind.SCALE, seed=42).comparisons[0]
    assert (a.effect_low, a.effect_high) == (b.effect_low, b.effect_high)


def test_verdict_outcomes_must_be_zero_or_one() -> None:
    with pytest.raises(ValueError, match="verdict outcomes"):
        assess_disparity([CounterfactualObservation("g", {"x": "a"}, 0.5)], kind=OutcomeKind.VERDICT)
