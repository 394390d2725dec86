"""Reports show each verification re-run with both parts: the original cases and the fresh variants."""

from __future__ import annotations

from pathlib import Path

from redline.catalog.loader import load_catalog
from redline.core.analysis.evidence import Evidence
from redline.core.register.mitigations import VerificationOutcome
from redline.core.register.verification import judge_verification
from redline.program.workspace import open_workspace_store
from redline.reports.assembly import ReportRequest, build_report
from redline.reports.model import ReportFormat
from redline.reports.render import render
from redline.store.repos import mitigations as mitigations_repo
from tests.world import make_report_world


def test_a_narrow_fix_shows_both_parts_in_the_report(tmp_path: Path) -> None:
    settings, world = make_report_world(tmp_path / "ws")
    fid = world.finding_ids[0]
    result = judge_verification(
        Evidence.from_counts("t", failures=12, n=12),
        Evidence.from_counts("t", failures=0, n=12),
        fresh=Evidence.from_counts("t", failures=9, n=30),
        zero_tolerance=True,
    )
    store = open_workspace_store(settings)
    try:
        with store.session() as s:
            mitigations_repo.add_verification(
                s,
                finding_id=fid,
                mitigation_id=None,
                release_id=world.release_id,
                original_round_id=world.old_round_id,
                round_id=world.round_id,
                result=result,
                cases=12,
                actor="eli",
                fresh_round_id=world.adhoc_round_id,
                fresh_cases=30,
                variants={"held_out_seeds": 6, "paraphrases": 24},
            )
        with store.session() as s:
            model = build_report(
                s,
                ReportRequest(release="chat-assistant@1.1"),
                catalog=load_catalog(settings.workspace / "catalog"),
                program=settings.config.name,
            )
    finally:
        store.dispose()
    (v,) = [v for v in model.verifications if v.finding_id == fid]
    assert v.outcome is VerificationOutcome.NOT_VERIFIED
    assert v.original_outcome is VerificationOutcome.VERIFIED and v.original_round_id == world.round_id
    assert v.fresh_outcome is VerificationOutcome.NOT_VERIFIED and v.fresh_round_id == world.adhoc_round_id
    assert (v.original_cases, v.fresh_cases, v.variants["paraphrases"]) == (12, 30, 24)
    markdown = render(model, ReportFormat.MD).decode()
    section = markdown.split("### Verification re-runs", 1)[1]
    row = next(line for line in section.splitlines() if "9/30" in line)
    assert "0/12" in row and "9/30" in row and row.rstrip(" |").endswith("not verified")
    html = render(model, ReportFormat.HTML).decode()
    assert 'id="verifications-table"' in html and "30 variants: 9/30" in html
