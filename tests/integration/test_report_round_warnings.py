"""A round's stored warnings (what could not be built for it) appear in internal reports, per round in the
method appendix of HTML, Markdown and JSON, and stay out of external reports with the configuration."""

from __future__ import annotations

import json

import pytest

from redline.config.settings import Settings
from redline.program.workspace import open_workspace_store
from redline.reports.assembly import ReportRequest
from redline.reports.model import Audience, ReportFormat
from redline.reports.render import render
from tests.integration.test_report_model import report
from tests.world import ReportWorld, make_report_world

WARNING = "step 'pair' (harmful-requests) skipped: no attacker model; set attacker: <system> in redline.yaml"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, ReportWorld]:
    from redline.store.tables import RoundRow

    settings, w = make_report_world(tmp_path_factory.mktemp("warnings") / "ws")
    store = open_workspace_store(settings)
    try:
        with store.session() as s:
            row = s.get(RoundRow, w.round_id)
            assert row is not None
            row.config = {**row.config, "warnings": [WARNING]}
    finally:
        store.dispose()
    return settings, w


def _text(settings: Settings, w: ReportWorld, fmt: ReportFormat, audience: Audience) -> str:
    model = report(settings, ReportRequest(round_id=w.round_id, audience=audience))
    return render(model, fmt).decode()


def test_internal_reports_list_the_round_warnings(world: tuple[Settings, ReportWorld]) -> None:
    settings, w = world
    model = report(settings, ReportRequest(round_id=w.round_id, audience=Audience.INTERNAL))
    assert [m.warnings for m in model.method.rounds] == [(WARNING,)]
    data = json.loads(_text(settings, w, ReportFormat.JSON, Audience.INTERNAL))
    assert data["method"]["rounds"][0]["warnings"] == [WARNING]
    md = _text(settings, w, ReportFormat.MD, Audience.INTERNAL)
    assert "Warnings:" in md and "no attacker model" in md
    html = _text(settings, w, ReportFormat.HTML, Audience.INTERNAL)
    block = html.split('<div class="round-warnings">')[1].split("</div>")[0]
    assert "<h4>Warnings</h4>" in block and "no attacker model" in block


def test_external_reports_leave_the_warnings_out(world: tuple[Settings, ReportWorld]) -> None:
    settings, w = world
    model = report(settings, ReportRequest(round_id=w.round_id, audience=Audience.EXTERNAL))
    assert [m.warnings for m in model.method.rounds] == [()]
    for fmt in (ReportFormat.HTML, ReportFormat.MD, ReportFormat.JSON):
        assert "no attacker model" not in _text(settings, w, fmt, Audience.EXTERNAL)
