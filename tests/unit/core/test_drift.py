from __future__ import annotations

import random

from redline.core.drift import assess_drift
from redline.core.evidence import Evidence


def test_shifted_rates_and_values_drift() -> None:
    rng = random.Random(1)
    base_vals = [rng.gauss(0.2, 0.05) for _ in range(200)]
    prod_vals = [rng.gauss(0.6, 0.05) for _ in range(200)]
    report = assess_drift(
        "toxicity",
        Evidence.from_counts("toxicity", failures=4, n=200),
        Evidence.from_counts("toxicity", failures=90, n=200),
        baseline_values=base_vals,
        production_values=prod_vals,
    )
    assert report.drifted and report.worse
    assert {c.statistic for c in report.checks if c.drifted} == {"rate-interval", "psi", "ks"}


def test_same_distribution_stays_quiet() -> None:
    rng = random.Random(2)
    report = assess_drift(
        "toxicity",
        Evidence.from_counts("toxicity", failures=10, n=200),
        Evidence.from_counts("toxicity", failures=12, n=200),
        baseline_values=[rng.gauss(0.2, 0.05) for _ in range(200)],
        production_values=[rng.gauss(0.2, 0.05) for _ in range(200)],
    )
    assert not report.drifted


def test_small_samples_skip_the_distribution_tests() -> None:
    report = assess_drift(
        "x",
        Evidence.from_counts("x", failures=1, n=10),
        Evidence.from_counts("x", failures=2, n=10),
        baseline_values=[0.0] * 10,
        production_values=[1.0] * 10,
    )
    psi = next(c for c in report.checks if c.statistic == "psi")
    assert psi.value is None and "needs 20 values" in psi.detail
