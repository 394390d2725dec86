"""The risk heat map: one rule for which findings count and where, for the dashboard and every report.

The counting rule: a finding counts while it is open (`Finding.is_open`: new, triaged, in progress,
mitigated or reopened), in the cell of its current likelihood and impact. Closed, verified,
accepted-risk and duplicate findings are left out: the map shows the risk still carried, not the risk
ever found. Each cell's level is what the program's risk matrix assigns to the cell.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field

from redline.core.register.findings import Finding
from redline.core.register.risk import Impact, Likelihood, RiskLevel, RiskMatrix


class RiskCell(BaseModel):
    """One cell of the likelihood x impact matrix: the open findings that sit in it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    likelihood: Likelihood = Field(description="Row: likelihood, 1 to 5.")
    impact: Impact = Field(description="Column: impact, 1 to 5.")
    level: RiskLevel = Field(description="Risk level the matrix assigns to the cell.")
    count: int = Field(ge=0, description="Open findings in the cell.")
    finding_ids: tuple[str, ...] = Field(default=(), description="Ids of those findings, sorted.")


RiskRows = tuple[tuple[RiskCell, ...], ...]
"""Five rows (likelihood 5 down to 1) of five cells (impact 1 to 5)."""


def counts_on_heatmap(finding: Finding) -> bool:
    """Whether a finding counts on the heat map: while it is open."""
    return finding.is_open


def risk_heatmap(findings: Iterable[Finding], matrix: RiskMatrix) -> RiskRows:
    """The heat map of `findings`: rows of likelihood 5 down to 1, columns of impact 1 to 5."""
    placed: dict[tuple[Likelihood, Impact], list[str]] = {}
    for f in findings:
        if counts_on_heatmap(f):
            placed.setdefault((f.likelihood, f.impact), []).append(f.id)
    return tuple(
        tuple(
            RiskCell(
                likelihood=lk,
                impact=im,
                level=matrix.level(lk, im),
                count=len(placed.get((lk, im), ())),
                finding_ids=tuple(sorted(placed.get((lk, im), ()))),
            )
            for im in Impact
        )
        for lk in sorted(Likelihood, reverse=True)
    )
