"""Compare failure rates across releases and production samples: significance and drift statistics."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from redline.core.analysis.evidence import Evidence


class Change(StrEnum):
    """How a threat's failure rate moved from one release to the next."""

    FIXED = "fixed"
    REGRESSED = "regressed"
    NEW = "new"
    UNCHANGED = "unchanged"
    IMPROVED = "improved"
    NOT_TESTED = "not_tested"


@dataclass(frozen=True)
class ProportionTest:
    """Result of comparing two proportions."""

    p_value: float
    difference: float
    method: str


def two_proportion_test(x1: int, n1: int, x2: int, n2: int) -> ProportionTest:
    """Two-sided test of p1 == p2: Fisher's exact test for small counts, else the pooled z-test."""
    if n1 == 0 or n2 == 0:
        return ProportionTest(1.0, 0.0, "none")
    diff = x2 / n2 - x1 / n1
    expected_min = min(x1 + x2, n1 + n2 - x1 - x2) * min(n1, n2) / (n1 + n2)
    if expected_min < 5:
        from scipy.stats import fisher_exact

        _, p = fisher_exact([[x1, n1 - x1], [x2, n2 - x2]], alternative="two-sided")
        return ProportionTest(float(p), diff, "fisher")
    pooled = (x1 + x2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        return ProportionTest(1.0, diff, "z")
    z = diff / se
    p = math.erfc(abs(z) / math.sqrt(2))
    return ProportionTest(p, diff, "z")


def classify_change(
    before: Evidence | None, after: Evidence | None, *, alpha: float = 0.05
) -> tuple[Change, ProportionTest | None]:
    """Fixed, regressed, new, improved or unchanged, by a two-proportion test at level `alpha`."""
    if after is None or after.n == 0:
        return Change.NOT_TESTED, None
    if before is None or before.n == 0:
        return (Change.NEW if after.failures else Change.UNCHANGED), None
    test = two_proportion_test(before.failures, before.n, after.failures, after.n)
    if test.p_value >= alpha:
        return Change.UNCHANGED, test
    if test.difference > 0:
        return (Change.NEW if before.failures == 0 else Change.REGRESSED), test
    return (Change.FIXED if after.failures == 0 else Change.IMPROVED), test


def intervals_overlap(a: Evidence, b: Evidence) -> bool:
    """True when the two 95% intervals share any value."""
    return a.low <= b.high and b.low <= a.high


def population_stability_index(
    expected: Sequence[float], actual: Sequence[float], *, bins: int = 10, eps: float = 1e-4
) -> float:
    """PSI between a baseline and a new sample of scores, on quantile bins of the baseline.

    Common reading: below 0.1 stable, 0.1-0.25 moderate shift, above 0.25 major shift.
    """
    import numpy as np

    base = np.asarray(expected, dtype=float)
    new = np.asarray(actual, dtype=float)
    if base.size == 0 or new.size == 0:
        raise ValueError("PSI needs two non-empty samples")
    edges = np.unique(np.quantile(base, np.linspace(0, 1, bins + 1)))
    if edges.size < 2:
        edges = np.array([base.min() - 0.5, base.max() + 0.5])
    edges[0], edges[-1] = -np.inf, np.inf
    e = np.histogram(base, edges)[0] / base.size
    a = np.histogram(new, edges)[0] / new.size
    e, a = np.clip(e, eps, None), np.clip(a, eps, None)
    return float(np.sum((a - e) * np.log(a / e)))


def ks_test(expected: Sequence[float], actual: Sequence[float]) -> tuple[float, float]:
    """Two-sample Kolmogorov-Smirnov statistic and p-value."""
    from scipy.stats import ks_2samp

    res = ks_2samp(list(expected), list(actual))
    return float(res.statistic), float(res.pvalue)
