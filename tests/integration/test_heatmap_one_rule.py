"""The dashboard (web) and the release report show the same heat map for the same register."""

from __future__ import annotations

from pathlib import Path

from redline.catalog.loader import load_catalog
from redline.core.ids import new_id
from redline.core.register.findings import Finding, FindingStatus
from redline.core.register.risk import Impact, Likelihood, RiskLevel
from redline.program.workbench.dashboard import dashboard
from redline.program.workspace import open_workspace_store
from redline.reports.assembly import ReportRequest, build_report
from redline.store.repos import findings as findings_repo
from tests.world import make_report_world


def test_dashboard_and_report_count_the_same_cells(tmp_path: Path) -> None:
    settings, world = make_report_world(tmp_path / "ws")
    store = open_workspace_store(settings)
    try:
        with store.session() as s:  # settled findings on the release: the old report counted them
            for status in (FindingStatus.CLOSED, FindingStatus.DUPLICATE, FindingStatus.ACCEPTED_RISK):
                f = Finding(
                    id=new_id("fnd"),
                    title=f"settled: {status.value}",
                    threat_id="injection.direct",
                    likelihood=Likelihood.LIKELY,
                    impact=Impact.MAJOR,
                    risk=RiskLevel.HIGH,
                    release_id=world.release_id,
                )
                findings_repo.add_finding(s, f, actor="bob")
                findings_repo.move(s, f.id, status, actor="bob")
        board = dashboard(store, settings)
        with store.session() as s:
            report = build_report(
                s,
                ReportRequest(release="chat-assistant@1.1"),
                catalog=load_catalog(settings.workspace / "catalog"),
                program=settings.config.name,
            )
    finally:
        store.dispose()
    assert report.heatmap.rows == board.heatmap
    cells = {(int(c.likelihood), int(c.impact)): c for row in board.heatmap for c in row}
    assert cells[(4, 4)].count == 1  # the open one; closed, duplicate and accepted risk left out
    assert sum(c.count for c in cells.values()) == board.open_findings == 4
