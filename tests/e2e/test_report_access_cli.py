"""`redline report` follows the download rules of the workbench: onboarding for internal and committee copies
with --as, flagged exchanges only once consented to (none without --as), and an audit event per copy."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from redline.config.settings import load_settings
from redline.program.people import wellbeing
from redline.program.workspace import open_workspace_store
from redline.store import audit
from redline.store.session import Store
from tests.e2e.inprocess import cli
from tests.onboarded import onboard
from tests.world import ReportWorld, make_report_world


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, ReportWorld]:
    monkeypatch.delenv("REDLINE_USER", raising=False)
    settings, w = make_report_world(tmp_path / "ws")
    return settings.workspace, w


def _report(
    capsys: pytest.CaptureFixture[str], ws: Path, out: Path, *args: str
) -> tuple[int, str, dict[str, Any]]:
    code, _, err = cli(capsys, ws, "report", *args, "--format", "json", "-o", str(out))
    return code, err, json.loads(out.read_text(encoding="utf-8")) if code == 0 else {}


def test_cli_report_follows_onboarding_consent_and_audits(
    world: tuple[Path, ReportWorld], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws, w = world
    out = tmp_path / "r.json"
    code, err, unnamed = _report(capsys, ws, out, w.round_id, "--audience", "internal")
    assert code == 0, err
    assert unnamed["exposure"]["reader"] == "" and unnamed["exposure"]["flagged_included"] == 0
    withheld = unnamed["exposure"]["flagged_withheld"]
    assert withheld > 0 and not any(t["flagged"] for t in unnamed["transcripts"])

    code, err, _ = _report(capsys, ws, out, w.round_id, "--audience", "committee", "--as", "bob")
    assert code == 2 and "bob may not download a committee report" in err and "onboarding" in err

    settings = load_settings(ws, env={})
    store = open_workspace_store(settings)
    try:
        onboard(store, settings, "bob")
        code, err, named = _report(capsys, ws, out, w.round_id, "--audience", "internal", "--as", "bob")
        assert code == 0, err
        assert named["exposure"]["flagged_withheld"] == withheld
        flagged_ids = _flagged_attempts(store, w.round_id)
        wellbeing.consent(store, settings, user="bob", subject=f"attempt:{flagged_ids[0]}")
        code, err, consented = _report(capsys, ws, out, w.round_id, "--audience", "internal", "--as", "bob")
        assert code == 0, err
        assert consented["exposure"]["flagged_included"] == 1
        assert consented["exposure"]["flagged_withheld"] == withheld - 1
        assert flagged_ids[0] in {t["attempt_id"] for t in consented["transcripts"]}

        code, err, external = _report(capsys, ws, out, "--release", "1.1", "--audience", "external")
        assert code == 0, err
        assert external["transcripts"] == []
        with store.session() as s:
            events = audit.list_events(s, action="report.download", limit=10)
    finally:
        store.dispose()
    assert [e.payload["via"] for e in events] == ["cli"] * 4
    assert events[-1].actor == settings.actor and events[-1].payload["flagged_withheld"] == withheld
    assert events[1].actor == "bob" and events[1].payload["flagged_included"] == 1
    assert events[0].subject == "release:1.1" and events[0].payload["audience"] == "external"


def _flagged_attempts(store: Store, round_id: str) -> list[str]:
    from redline.store.repos import rounds as rounds_repo

    with store.session() as s:
        failed = {a for a, score in rounds_repo.list_scores(s, round_id) if score.failed}
        return [a.id for a in rounds_repo.list_attempts(s, round_id) if a.id in failed]
