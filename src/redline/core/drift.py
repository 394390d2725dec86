"""Drift after release: production failure rates and score distributions against the pre-release baseline."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field

from redline.core.comparison import intervals_overlap, ks_test, population_stability_index
from redline.core.evidence import Evidence

# PSI above 0.25 is the usual reading of a major shift; a KS p-value under 0.01 keeps the false alarm
# rate low when many scorers are checked at once; below 20 values neither statistic is trusted.
PSI_THRESHOLD = 0.25
KS_ALPHA = 0.01
MIN_VALUES = 20


class DriftCheck(BaseModel):
    """One statistic comparing production with the baseline."""

    model_config = ConfigDict(frozen=True)

    statistic: str = Field(description="'rate-interval', 'psi' or 'ks'.")
    value: float | None = Field(description="The statistic (None when not computed).")
    drifted: bool
    detail: str


class DriftReport(BaseModel):
    """Whether one scorer's (or threat's) results in production moved away from the baseline."""

    model_config = ConfigDict(frozen=True)

    subject: str = Field(description="Scorer name or threat id the comparison is about.")
    baseline: Evidence
    production: Evidence
    checks: tuple[DriftCheck, ...]

    @property
    def drifted(self) -> bool:
        """True when any check fired."""
        return any(c.drifted for c in self.checks)

    @property
    def worse(self) -> bool:
        """True when production fails at least as often as the baseline did."""
        return self.production.rate >= self.baseline.rate


def assess_drift(
    subject: str,
    baseline: Evidence,
    production: Evidence,
    *,
    baseline_values: Sequence[float] = (),
    production_values: Sequence[float] = (),
    psi_threshold: float = PSI_THRESHOLD,
    ks_alpha: float = KS_ALPHA,
    min_values: int = MIN_VALUES,
) -> DriftReport:
    """Interval overlap of the failure rates, then PSI and Kolmogorov-Smirnov on the score values."""
    checks: list[DriftCheck] = []
    if baseline.n and production.n:
        apart = not intervals_overlap(baseline, production)
        detail = f"baseline {baseline.describe()}, production {production.describe()}: intervals " + (
            "do not overlap" if apart else "overlap"
        )
        checks.append(
            DriftCheck(statistic="rate-interval", value=production.rate, drifted=apart, detail=detail)
        )
    enough = len(baseline_values) >= min_values and len(production_values) >= min_values
    if not enough:
        checks.append(
            DriftCheck(
                statistic="psi",
                value=None,
                drifted=False,
                detail=f"not computed: needs {min_values} values on each side "
                f"({len(baseline_values)} baseline, {len(production_values)} production)",
            )
        )
        return DriftReport(subject=subject, baseline=baseline, production=production, checks=tuple(checks))
    psi = population_stability_index(baseline_values, production_values)
    checks.append(
        DriftCheck(
            statistic="psi",
            value=psi,
            drifted=psi > psi_threshold,
            detail=f"population stability index {psi:.3f} (major shift above {psi_threshold})",
        )
    )
    stat, p = ks_test(baseline_values, production_values)
    checks.append(
        DriftCheck(
            statistic="ks",
            value=stat,
            drifted=p < ks_alpha,
            detail=f"Kolmogorov-Smirnov D={stat:.3f}, p={p:.3g} (drift below p={ks_alpha})",
        )
    )
    return DriftReport(subject=subject, baseline=baseline, production=production, checks=tuple(checks))
