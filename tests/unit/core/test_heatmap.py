"""The one heat map rule: open findings, each in the cell of its current likelihood and impact."""

from __future__ import annotations

from redline.core.register.findings import Finding, FindingStatus
from redline.core.register.heatmap import risk_heatmap
from redline.core.register.risk import DEFAULT_MATRIX, Impact, Likelihood, RiskLevel, RiskMatrix


def _finding(fid: str, lk: int, im: int, status: FindingStatus) -> Finding:
    return Finding(
        id=fid,
        title=fid,
        threat_id="t.one",
        status=status,
        likelihood=Likelihood(lk),
        impact=Impact(im),
        risk=DEFAULT_MATRIX.level(Likelihood(lk), Impact(im)),
    )


def test_only_open_findings_count_each_in_its_cell() -> None:
    register = [_finding(f"f{i}", 4, 4, s) for i, s in enumerate(FindingStatus)]
    register.append(_finding("g", 1, 2, FindingStatus.NEW))
    rows = risk_heatmap(register, DEFAULT_MATRIX)
    cells = {(int(c.likelihood), int(c.impact)): c for row in rows for c in row}
    open_ids = sorted(f.id for f in register if f.is_open and f.likelihood == 4)
    assert cells[(4, 4)].count == len(open_ids) == 5 and cells[(4, 4)].finding_ids == tuple(open_ids)
    assert cells[(1, 2)].count == 1 and sum(c.count for c in cells.values()) == 6
    for left_out in ("closed", "verified", "accepted_risk", "duplicate"):
        assert not any(left_out in c.finding_ids for c in cells.values())


def test_rows_run_from_likelihood_5_down_and_levels_follow_the_matrix() -> None:
    strict = RiskMatrix(low_max=1, medium_max=2, high_max=3)
    rows = risk_heatmap([], strict)
    assert [int(row[0].likelihood) for row in rows] == [5, 4, 3, 2, 1]
    assert [int(c.impact) for c in rows[0]] == [1, 2, 3, 4, 5]
    assert rows[4][0].level is RiskLevel.LOW and rows[4][2].level is RiskLevel.HIGH
    assert rows[0][0].level is RiskLevel.CRITICAL and all(c.count == 0 for row in rows for c in row)
