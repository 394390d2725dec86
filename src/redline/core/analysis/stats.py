"""Interval estimates for rates: every rate that drives a decision carries n and a 95% interval."""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

Z95 = 1.959963984540054  # two-sided 95% normal quantile


@dataclass(frozen=True)
class Interval:
    """A confidence interval [low, high] with its level and method."""

    low: float
    high: float
    level: float = 0.95
    method: str = "wilson"


def wilson_interval(successes: int, n: int, *, z: float = Z95) -> Interval:
    """Wilson score interval for a binomial proportion (Wilson 1927).

    With n == 0 nothing is known and the interval is [0, 1].
    """
    _check_counts(successes, n)
    if n == 0:
        return Interval(0.0, 1.0)
    p = successes / n
    z2 = z * z
    denom = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denom
    half = (z / denom) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return Interval(low, high)


def clopper_pearson_interval(successes: int, n: int, *, level: float = 0.95) -> Interval:
    """Exact (Clopper-Pearson 1934) interval; conservative, used when no failure was seen."""
    _check_counts(successes, n)
    if n == 0:
        return Interval(0.0, 1.0, level, "clopper-pearson")
    alpha = 1 - level
    if successes in (0, n):
        # Closed forms of the beta quantiles at the edges: no scipy (seconds to import) for the common case
        edge = (alpha / 2) ** (1 / n)
        return Interval(
            0.0 if successes == 0 else edge, 1 - edge if successes == 0 else 1.0, level, "clopper-pearson"
        )
    from scipy.stats import beta  # deferred: scipy.stats is slow to import

    low = 0.0 if successes == 0 else float(beta.ppf(alpha / 2, successes, n - successes + 1))
    high = 1.0 if successes == n else float(beta.ppf(1 - alpha / 2, successes + 1, n - successes))
    return Interval(low, high, level, "clopper-pearson")


def rate_interval(successes: int, n: int) -> Interval:
    """The interval Redline reports: Wilson, or the exact bound when no event was seen."""
    if successes == 0 and n > 0:
        return clopper_pearson_interval(0, n)
    return wilson_interval(successes, n)


def _check_counts(successes: int, n: int) -> None:
    if n < 0 or successes < 0 or successes > n:
        raise ValueError(f"invalid counts: {successes} successes out of {n}")


def cohen_kappa(first: Sequence[Hashable], second: Sequence[Hashable]) -> float:
    """Cohen's kappa (1960): agreement of two raters on the same items, beyond chance.

    1 is perfect agreement, 0 is what chance gives; when both raters always give the one same label
    the expected agreement is 1 and kappa is defined here as 1.0.
    """
    if len(first) != len(second):
        raise ValueError(f"raters labelled different numbers of items: {len(first)} and {len(second)}")
    n = len(first)
    if n == 0:
        raise ValueError("kappa needs at least one item labelled by both raters")
    observed = sum(a == b for a, b in zip(first, second, strict=True)) / n
    labels = set(first) | set(second)
    expected = sum((list(first).count(lab) / n) * (list(second).count(lab) / n) for lab in labels)
    if expected == 1.0:
        return 1.0
    return (observed - expected) / (1 - expected)
