from __future__ import annotations

import random

from redline.core.analysis.drift import assess_drift
from redline.core.analysis.evidence import Evidence


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


def test_psi_of_verdicts_counts_the_shift_between_pass_and_fail() -> None:
    from redline.core.analysis.drift import stability_index

    # smoothed shares 50.5/101 each -> 80.5/101, 20.5/101:
    # (80.5-50.5)/101*ln(80.5/50.5) + (20.5-50.5)/101*ln(20.5/50.5) = 0.4063
    psi = stability_index([0.0] * 50 + [1.0] * 50, [0.0] * 80 + [1.0] * 20)
    assert abs(psi - 0.4063) < 1e-4
    assert stability_index([0.0] * 40, [0.0] * 30) == 0.0
    # 5 failures in 100 against none in 30 is not a major shift in a window that small
    assert stability_index([0.0] * 95 + [1.0] * 5, [0.0] * 30) < 0.25
    assert stability_index([0.0] * 300, [0.0] * 15 + [1.0] * 15) > 2.0


def test_ks_p_value_and_distance_are_the_exact_ones() -> None:
    report = assess_drift(
        "x",
        Evidence.from_counts("x", failures=0, n=4),
        Evidence.from_counts("x", failures=0, n=4),
        baseline_values=[1.0, 2.0, 3.0, 4.0],
        production_values=[5.0, 6.0, 7.0, 8.0],
        min_values=4,
    )
    ks = report.check("ks")
    assert ks is not None and ks.value == 1.0
    assert ks.p_value is not None and abs(ks.p_value - 2 / 70) < 1e-9  # exact: 2 of C(8,4) orderings
    assert not ks.drifted  # p = 0.029 is above the 0.01 alpha


def test_ks_needs_the_minimum_distance_as_well_as_a_small_p() -> None:
    base = [0.0] * 9500 + [1.0] * 500
    cur = [0.0] * 9200 + [1.0] * 800  # 5% -> 8% failures: significant, but D = 0.03
    loose = assess_drift(
        "x",
        Evidence.from_counts("x", failures=500, n=10000),
        Evidence.from_counts("x", failures=800, n=10000),
        baseline_values=base,
        production_values=cur,
    )
    strict = assess_drift(
        "x",
        Evidence.from_counts("x", failures=500, n=10000),
        Evidence.from_counts("x", failures=800, n=10000),
        baseline_values=base,
        production_values=cur,
        ks_min_distance=0.1,
    )
    lenient, exacting = loose.check("ks"), strict.check("ks")
    assert lenient is not None and exacting is not None
    assert lenient.drifted and not exacting.drifted


def test_window_comparison_uses_wilson_intervals_and_refuses_small_samples() -> None:
    from redline.core.analysis.drift import assess_windows

    report = assess_windows(
        "tox", [(False, None)] * 45 + [(True, None)] * 5, [(False, None)] * 30, min_samples=30
    )
    assert report.judged and report.verdict == "stable"
    assert (round(report.baseline.low, 4), round(report.baseline.high, 4)) == (0.0435, 0.2136)  # Wilson 5/50
    assert report.production.method == "clopper-pearson" and round(report.production.high, 4) == 0.1157
    small = assess_windows(
        "tox", [(False, None)] * 29 + [(None, None)] * 5, [(True, None)] * 40, min_samples=30
    )
    assert not small.judged and not small.drifted and small.verdict == "not judged"
    assert "baseline n=29" in small.note and small.baseline.could_not_score == 5


def test_production_windows() -> None:
    from datetime import UTC, date, datetime, timedelta

    from redline.core.analysis.drift import production_windows

    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    none = production_windows(first_seen=None, now=t0, baseline_days=7, window_days=1)
    assert none.baseline is None and "no production" in none.note
    filling = production_windows(first_seen=t0, now=t0 + timedelta(days=3), baseline_days=7, window_days=1)
    assert filling.current is None and "2026-01-08 00:00" in filling.note
    later = production_windows(first_seen=t0, now=t0 + timedelta(days=20), baseline_days=7, window_days=2)
    assert later.baseline is not None and later.baseline.end == t0 + timedelta(days=7)
    assert later.current is not None and later.current.start == t0 + timedelta(days=18)
    # the current window never reaches back into the baseline
    close = production_windows(first_seen=t0, now=t0 + timedelta(days=8), baseline_days=7, window_days=3)
    assert close.current is not None and close.current.start == t0 + timedelta(days=7)
    pinned = production_windows(
        first_seen=t0,
        now=t0 + timedelta(days=40),
        baseline_days=7,
        window_days=1,
        pinned=(date(2026, 1, 10), date(2026, 1, 11)),
    )
    assert pinned.baseline is not None and pinned.baseline.start == datetime(2026, 1, 10, tzinfo=UTC)
    assert pinned.baseline.end == datetime(2026, 1, 12, tzinfo=UTC)
    assert pinned.baseline.holds(datetime(2026, 1, 11, 23, 59, tzinfo=UTC))


def test_novel_clusters_find_a_group_far_from_the_baseline() -> None:
    import numpy as np

    from redline.core.analysis.drift import nearest_distances, novel_clusters

    e = np.eye(4, dtype=np.float32)
    baseline = np.stack([e[0]] * 10 + [e[1]] * 10)
    tilt = (e[0] + 0.1 * e[1]) / np.linalg.norm(e[0] + 0.1 * e[1])
    current = np.stack([e[0], tilt, e[2], e[2], e[2], e[3]])
    near = nearest_distances(current, baseline)
    assert near[0] == 0.0 and abs(near[1] - (1 - 1 / np.sqrt(1.01))) < 1e-6 and near[2] == 1.0
    (cluster,) = novel_clusters(current, baseline, distance=0.5, min_size=3)
    assert cluster.members == (2, 3, 4) and cluster.distance == 1.0  # the lone e3 is below min_size
    assert novel_clusters(current, baseline, distance=0.5, min_size=4) == []
