"""Disparity across counterfactual sets: cases that share a group and vary one attribute.

For every attribute, each non-reference value is compared with the reference value:

- verdicts (failed or held): a 2x2 table of failures per value, tested with Fisher's exact test
  when an expected cell count is under 5, otherwise Pearson's chi-square (no continuity correction);
- scales: the paired difference within each group, tested with the Wilcoxon signed-rank test
  (or the sign test on request).

p-values are Holm-adjusted across every comparison of the report, and each comparison carries an
effect size (difference of failure rates, or mean paired difference) with a seeded bootstrap 95%
interval that resamples groups, so the pairing is kept.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from redline.core.analysis.stats import rate_interval


class OutcomeKind(StrEnum):
    """What the outcomes are: failed/held verdicts (1.0 / 0.0) or values on a scale."""

    VERDICT = "verdict"
    SCALE = "scale"


class PairedTest(StrEnum):
    """The paired test used for scale outcomes."""

    WILCOXON = "wilcoxon"
    SIGN = "sign"


@dataclass(frozen=True)
class CounterfactualObservation:
    """One scored case of a counterfactual set: its group, its attribute values and its outcome."""

    group: str
    attributes: dict[str, str]
    outcome: float


class DisparityComparison(BaseModel):
    """One attribute value compared with the reference value of the same attribute."""

    model_config = ConfigDict(frozen=True)

    attribute: str = Field(description="The attribute varied across the counterfactual sets.")
    value: str = Field(description="The value compared with the reference.")
    reference: str = Field(description="The reference value of the attribute.")
    n_groups: int = Field(description="Counterfactual sets that hold both values.")
    test: str = Field(description="fisher, chi-square, wilcoxon or sign.")
    statistic: float | None = Field(description="Test statistic (odds ratio for Fisher); None if untestable.")
    p_value: float = Field(description="Unadjusted two-sided p-value (1.0 when untestable).")
    p_adjusted: float = Field(description="Holm-adjusted p-value across the report's comparisons.")
    effect: float = Field(
        description="Failure-rate difference or mean paired difference (value - reference)."
    )
    effect_low: float = Field(description="Lower end of the bootstrap 95% interval of the effect.")
    effect_high: float = Field(description="Upper end of the bootstrap 95% interval of the effect.")
    flagged: bool = Field(description="True when the adjusted p-value is below alpha.")
    rates: dict[str, tuple[int, int, float, float]] = Field(
        default_factory=dict,
        description="Verdicts only: value -> (failures, n, 95% low, 95% high).",
    )


class DisparityReport(BaseModel):
    """Every comparison of a counterfactual analysis, with the settings that make it reproducible."""

    model_config = ConfigDict(frozen=True)

    kind: OutcomeKind
    alpha: float = Field(description="Family-wise error rate controlled by the Holm correction.")
    seed: int = Field(description="Seed of the bootstrap.")
    n_boot: int = Field(description="Bootstrap resamples per comparison.")
    comparisons: tuple[DisparityComparison, ...] = ()

    @property
    def flagged(self) -> tuple[DisparityComparison, ...]:
        """The comparisons whose difference survives the correction."""
        return tuple(c for c in self.comparisons if c.flagged)


def holm_adjust(p_values: Sequence[float]) -> list[float]:
    """Holm (1979) step-down adjusted p-values, in the input order."""
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted = [0.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[i]))
        adjusted[i] = running
    return adjusted


def assess_disparity(
    observations: Iterable[CounterfactualObservation],
    *,
    kind: OutcomeKind,
    alpha: float = 0.05,
    references: dict[str, str] | None = None,
    paired_test: PairedTest = PairedTest.WILCOXON,
    seed: int = 0,
    n_boot: int = 2000,
) -> DisparityReport:
    """Test every attribute of the observations for a difference between its values."""
    obs = list(observations)
    if kind is OutcomeKind.VERDICT and any(o.outcome not in (0.0, 1.0) for o in obs):
        raise ValueError("verdict outcomes must be 1.0 (failed) or 0.0 (held)")
    rng = np.random.default_rng(seed)
    raw: list[dict[str, Any]] = []
    for attribute in sorted({a for o in obs for a in o.attributes}):
        table = _group_means(obs, attribute)
        values = sorted({v for per in table.values() for v in per})
        if len(values) < 2:
            continue
        reference = (references or {}).get(attribute, values[0])
        if reference not in values:
            raise ValueError(f"reference value {reference!r} of {attribute!r} never occurs")
        for value in values:
            if value == reference:
                continue
            pairs = [
                (per[value], per[reference]) for per in table.values() if value in per and reference in per
            ]
            if kind is OutcomeKind.VERDICT:
                counts = _verdict_counts(obs, attribute, value, reference)
                raw.append(_verdict_comparison(attribute, value, reference, pairs, counts, rng, n_boot))
            else:
                raw.append(_scale_comparison(attribute, value, reference, pairs, paired_test, rng, n_boot))
    adjusted = holm_adjust([float(r["p_value"]) for r in raw])
    comparisons = tuple(
        DisparityComparison.model_validate({**r, "p_adjusted": p, "flagged": p < alpha})
        for r, p in zip(raw, adjusted, strict=True)
    )
    return DisparityReport(kind=kind, alpha=alpha, seed=seed, n_boot=n_boot, comparisons=comparisons)


def _group_means(obs: list[CounterfactualObservation], attribute: str) -> dict[str, dict[str, float]]:
    """group -> value -> mean outcome (several cases of one value in a group are averaged)."""
    sums: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for o in obs:
        if attribute in o.attributes:
            sums[o.group][o.attributes[attribute]].append(o.outcome)
    return {g: {v: float(np.mean(xs)) for v, xs in per.items()} for g, per in sums.items()}


def _verdict_counts(
    obs: list[CounterfactualObservation], attribute: str, value: str, reference: str
) -> dict[str, tuple[int, int]]:
    counts: dict[str, tuple[int, int]] = {}
    for v in (value, reference):
        outcomes = [o.outcome for o in obs if o.attributes.get(attribute) == v]
        counts[v] = (int(sum(outcomes)), len(outcomes))
    return counts


def _bootstrap_mean(diffs: np.ndarray, rng: np.random.Generator, n_boot: int) -> tuple[float, float]:
    if diffs.size == 0:
        return (0.0, 0.0)
    idx = rng.integers(0, diffs.size, size=(n_boot, diffs.size))
    means = diffs[idx].mean(axis=1)
    return float(np.quantile(means, 0.025)), float(np.quantile(means, 0.975))


def _verdict_comparison(
    attribute: str,
    value: str,
    reference: str,
    pairs: list[tuple[float, float]],
    counts: dict[str, tuple[int, int]],
    rng: np.random.Generator,
    n_boot: int,
) -> dict[str, Any]:
    from scipy.stats import chi2_contingency, fisher_exact

    (fa, na), (fb, nb) = counts[value], counts[reference]
    table = np.array([[fa, na - fa], [fb, nb - fb]], dtype=float)
    rows, cols = table.sum(axis=1), table.sum(axis=0)
    statistic: float | None
    if 0 in rows or 0 in cols:
        test, statistic, p = "fisher", None, 1.0
    elif (np.outer(rows, cols) / table.sum()).min() < 5:
        odds, p_f = fisher_exact(table)
        test, statistic, p = "fisher", float(odds), float(p_f)
    else:
        chi2, p_c, _, _ = chi2_contingency(table, correction=False)
        test, statistic, p = "chi-square", float(chi2), float(p_c)
    diffs = np.array([a - b for a, b in pairs], dtype=float)
    low, high = _bootstrap_mean(diffs, rng, n_boot)
    rates = {v: (f, n, rate_interval(f, n).low, rate_interval(f, n).high) for v, (f, n) in counts.items()}
    effect = (fa / na if na else 0.0) - (fb / nb if nb else 0.0)
    return {
        "attribute": attribute,
        "value": value,
        "reference": reference,
        "n_groups": len(pairs),
        "test": test,
        "statistic": statistic,
        "p_value": p,
        "effect": effect,
        "effect_low": low,
        "effect_high": high,
        "rates": rates,
    }


def _scale_comparison(
    attribute: str,
    value: str,
    reference: str,
    pairs: list[tuple[float, float]],
    paired_test: PairedTest,
    rng: np.random.Generator,
    n_boot: int,
) -> dict[str, Any]:
    diffs = np.array([a - b for a, b in pairs], dtype=float)
    statistic, p = paired_difference_test(diffs, test=paired_test)
    low, high = _bootstrap_mean(diffs, rng, n_boot)
    return {
        "attribute": attribute,
        "value": value,
        "reference": reference,
        "n_groups": len(pairs),
        "test": paired_test.value,
        "statistic": statistic,
        "p_value": p,
        "effect": float(diffs.mean()) if diffs.size else 0.0,
        "effect_low": low,
        "effect_high": high,
    }


def paired_difference_test(
    diffs: Sequence[float] | np.ndarray, *, test: PairedTest = PairedTest.WILCOXON
) -> tuple[float | None, float]:
    """(statistic, two-sided p) of paired differences; zeros are dropped; (None, 1.0) if all are zero."""
    from scipy.stats import binomtest, wilcoxon

    d = np.asarray(diffs, dtype=float)
    nonzero = d[d != 0]
    if nonzero.size == 0:
        return None, 1.0
    if test is PairedTest.SIGN:
        positives = int((nonzero > 0).sum())
        return float(positives), float(binomtest(positives, int(nonzero.size), 0.5).pvalue)
    result = wilcoxon(nonzero)
    return float(result.statistic), float(result.pvalue)
