"""A round run by the engine, reported and bundled: the numbers in the report are the engine's numbers."""

from __future__ import annotations

import asyncio
from pathlib import Path

from redline.catalog.loader import load_catalog
from redline.config.settings import Settings
from redline.engine.round import run_round
from redline.engine.spec import Pacing, RoundSpec
from redline.program.register.replay import RescoreStatus, rescore
from redline.reports.assembly import ReportRequest, build_report
from redline.reports.bundle import export_bundle
from redline.reports.bundle_verify import read_bundle, scoring_items, verify_bundle
from redline.reports.html import render_html
from redline.reports.model import Audience
from redline.store.session import open_store
from tests.unit.engine.fakes import ComplianceScorer, FakeTarget, make_cases


def test_engine_round_reports_its_own_evidence_and_replays(workspace: Settings, tmp_path: Path) -> None:
    store = open_store(workspace.database_url)
    try:
        spec = RoundSpec(
            target=FakeTarget(latency_s=0.001),
            target_name="fake",
            cases=make_cases(30),
            cases_source={"fake": 30},
            scorers=[ComplianceScorer()],
            pacing=Pacing(
                concurrency=4, timeout_s=5, max_retries=1, backoff_base_s=0.001, backoff_max_s=0.002
            ),
        )
        result = asyncio.run(run_round(spec, settings=workspace, store=store))
        with store.session() as s:
            model = build_report(
                s,
                ReportRequest(round_id=result.round_id, audience=Audience.COMMITTEE),
                catalog=load_catalog(workspace.workspace / "catalog"),
                program=workspace.config.name,
            )
            export_bundle(s, result.round_id, audience=Audience.INTERNAL, path=tmp_path / "b.zip", actor="t")
    finally:
        store.dispose()
    engine = {e.threat_id: (e.failures, e.n) for e in result.evidence}
    reported = {r.threat_id: (r.failures, r.n) for r in model.rates}
    assert reported == engine and engine["t.one"][1] == 30
    assert all(r.adhoc for r in model.rates) and model.summary.adhoc_note
    assert 'id="rate-chart"' in render_html(model)
    bundle = read_bundle(tmp_path / "b.zip")
    assert verify_bundle(bundle) == []
    (replayed,) = rescore(scoring_items(bundle), resolve=lambda name, stored: ComplianceScorer())
    assert replayed.status is RescoreStatus.REPRODUCED and replayed.checked == 30
