"""How safety moves between configurations: failure rates per configuration against the baseline."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from redline.attacks.configuration import Misconfiguration
from redline.core.analysis.evidence import Evidence
from redline.core.errors import ConfigError

ALPHA = 0.05


class SafetyMove(StrEnum):
    """Direction of a configuration's failure rate relative to the baseline."""

    WORSE = "worse"
    BETTER = "better"
    NO_CLEAR_CHANGE = "no-clear-change"


class ConfigurationShift(BaseModel):
    """One configuration's failure rate, its interval, and how it compares with the baseline."""

    model_config = ConfigDict(frozen=True)

    configuration: str = Field(description="Configuration name.")
    failures: int = Field(description="Scored attempts that failed.")
    n: int = Field(description="Scored attempts.")
    rate: float = Field(description="Failure rate.")
    low: float = Field(description="Lower end of the 95% interval.")
    high: float = Field(description="Upper end of the 95% interval.")
    delta: float = Field(description="Rate minus the baseline rate (positive: less safe).")
    p_value: float = Field(description="Two-sided Fisher exact test against the baseline counts.")
    move: SafetyMove = Field(description="worse / better when p < 0.05, otherwise no-clear-change.")


def compare_configurations(
    evidence: Mapping[str, Evidence], *, baseline: str = Misconfiguration.BASELINE.value
) -> list[ConfigurationShift]:
    """Per-configuration failure rates against the baseline, worst first.

    `evidence` maps a configuration name to the evidence gathered under it (for one threat, or
    pooled); the baseline's own row is included with a delta of zero.
    """
    if baseline not in evidence:
        raise ConfigError(
            f"no evidence for the baseline configuration '{baseline}' (have: {', '.join(sorted(evidence))})"
        )
    # scipy.stats costs about a second to import: paid only where configurations are compared
    from scipy.stats import fisher_exact

    base = evidence[baseline]
    rows = []
    for name, ev in evidence.items():
        if name == baseline:
            p_value = 1.0
        else:
            table = [[ev.failures, ev.n - ev.failures], [base.failures, base.n - base.failures]]
            p_value = float(fisher_exact(table)[1]) if ev.n and base.n else 1.0
        delta = ev.rate - base.rate
        move = SafetyMove.NO_CLEAR_CHANGE
        if p_value < ALPHA:
            move = SafetyMove.WORSE if delta > 0 else SafetyMove.BETTER
        rows.append(
            ConfigurationShift(
                configuration=name,
                failures=ev.failures,
                n=ev.n,
                rate=ev.rate,
                low=ev.low,
                high=ev.high,
                delta=delta,
                p_value=p_value,
                move=move,
            )
        )
    return sorted(rows, key=lambda r: (-r.delta, r.configuration))
