"""Reports (HTML, Markdown, JSON) and replication bundles print the newest signed audit checkpoint."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from redline.catalog.loader import load_catalog
from redline.program.register import audit_anchor
from redline.program.workspace import open_workspace_store
from redline.reports.assembly import ReportRequest, build_report
from redline.reports.bundle import export_bundle
from redline.reports.model import Audience, ReportFormat
from redline.reports.render import render
from tests.world import make_report_world


def test_reports_and_bundles_carry_the_latest_checkpoint(tmp_path: Path) -> None:
    settings, world = make_report_world(tmp_path / "ws")
    store = open_workspace_store(settings)
    key = tmp_path / "keys" / "audit.key"
    try:
        with store.session() as s:
            catalog = load_catalog(settings.workspace / "catalog")
            before = build_report(s, ReportRequest(round_id=world.round_id), catalog=catalog, program="p")
        assert before.method.audit_checkpoint is None
        assert "Audit checkpoint: none" in render(before, ReportFormat.MD).decode()
        for _ in range(2):
            with store.session() as s:
                written = audit_anchor.write_checkpoint(
                    s, key=key, workspace="p", actor="tester", to_file=tmp_path / "cps.jsonl"
                )
        latest = written.checkpoint
        with store.session() as s:
            model = build_report(s, ReportRequest(round_id=world.round_id), catalog=catalog, program="p")
            manifest = export_bundle(
                s, world.round_id, audience=Audience.EXTERNAL, path=tmp_path / "b.zip", actor="tester"
            )
    finally:
        store.dispose()
    assert model.method.audit_checkpoint == latest
    md = render(model, ReportFormat.MD).decode()
    assert f"Audit checkpoint: event {latest.seq}, head {latest.head}" in md
    html = render(model, ReportFormat.HTML).decode()
    assert 'id="audit-checkpoint">event' in html and latest.head in html
    as_json = json.loads(render(model, ReportFormat.JSON))
    assert as_json["method"]["audit_checkpoint"]["signature"] == latest.signature
    assert manifest.audit_checkpoint == latest
    with zipfile.ZipFile(tmp_path / "b.zip") as zf:
        assert f"Audit checkpoint: event {latest.seq}" in zf.read("README.md").decode()
        assert json.loads(zf.read("manifest.json"))["audit_checkpoint"]["head"] == latest.head
