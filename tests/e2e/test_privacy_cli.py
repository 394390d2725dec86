"""`--unmask` on the command line: refused for people without clearance, audited for those with it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from redline.config.settings import load_settings
from redline.program.people import privacy
from redline.program.workspace import open_workspace_store
from redline.store import audit
from tests.e2e.inprocess import cli, workspace_with_people
from tests.integration.web.pii import CARD, EMAIL, NAME, PiiRound, leaked, plant


@pytest.fixture
def ws(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("REDLINE_USER", raising=False)
    return workspace_with_people(tmp_path / "ws", capsys)


def _plant(ws: Path) -> PiiRound:
    store = open_workspace_store(load_settings(ws, env={}))
    try:
        return plant(store)
    finally:
        store.dispose()


def _onboard(ws: Path, name: str) -> None:
    from tests.onboarded import onboard

    settings = load_settings(ws, env={})
    store = open_workspace_store(settings)
    try:
        onboard(store, settings, name)
    finally:
        store.dispose()


def _unmasked(ws: Path) -> list[tuple[str, str, str]]:
    store = open_workspace_store(load_settings(ws, env={}))
    try:
        with store.session() as s:
            events = reversed(audit.list_events(s, action=privacy.UNMASK_ACTION))
            return [(e.actor, e.subject, e.payload["via"]) for e in events]
    finally:
        store.dispose()


def test_round_show_masks_and_unmasks_only_for_cleared_users(
    ws: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    planted = _plant(ws)
    code, out, _ = cli(capsys, ws, "round", "show", planted.round_id, "--exchanges", "5")
    assert code == 0 and leaked(out) == [] and "[EMAIL-1]" in out and "[CARD-1]" in out
    assert "personal data: 5 masked" in out
    code, out, _ = cli(capsys, ws, "round", "show", planted.round_id, "--exchanges", "5", "--json")
    assert code == 0 and leaked(out) == [] and len(json.loads(out)["exchanges"]) == 2

    code, out, err = cli(capsys, ws, "round", "show", planted.round_id, "--exchanges", "5", "--unmask")
    assert code == 2 and "pass --as NAME" in err and leaked(out) == []
    code, out, err = cli(
        capsys, ws, "round", "show", planted.round_id, "--exchanges", "5", "--unmask", "--as", "tess"
    )
    assert code == 2 and "tess may not see personal data unmasked" in err and leaked(out) == []
    assert _unmasked(ws) == []

    code, out, _ = cli(
        capsys, ws, "round", "show", planted.round_id, "--exchanges", "5", "--unmask", "--as", "ada"
    )
    assert code == 0 and EMAIL in out and NAME in out and "personal data: unmasked" in out
    # the failed exchange is flagged: it stays withheld, so only the held one is unmasked and audited
    assert _unmasked(ws) == [("ada", f"attempt:{planted.leak_attempt}", "cli")]


def test_finding_show_and_reports_honour_clearance(ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    planted = _plant(ws)
    code, out, _ = cli(capsys, ws, "finding", "show", planted.finding_id, "--json")
    assert code == 0 and EMAIL not in json.loads(out)["exemplars"][0]
    code, out, _ = cli(capsys, ws, "finding", "show", planted.finding_id)
    assert code == 0 and "failing prompt 1 (personal data masked): Look up [EMAIL-1]" in out
    code, _, err = cli(capsys, ws, "finding", "show", planted.finding_id, "--unmask", "--as", "tess")
    assert code == 2 and "may not see personal data unmasked" in err
    code, out, _ = cli(capsys, ws, "finding", "show", planted.finding_id, "--unmask", "--as", "ada")
    assert code == 0 and f"Look up {EMAIL}" in out
    assert _unmasked(ws) == [("ada", f"exemplar:{planted.finding_id}:0", "cli")]

    report = ws / "external.md"
    args = ("report", planted.round_id, "--format", "md", "--audience", "external")
    code, _, err = cli(capsys, ws, *args, "--unmask", "--as", "ada", "-o", str(report))
    assert code == 2 and "external reports never carry personal data" in err
    assert cli(capsys, ws, *args, "-o", str(report))[0] == 0
    assert leaked(report.read_text(encoding="utf-8")) == []
    internal = ws / "internal.json"
    inner = ("report", planted.round_id, "--format", "json", "--audience", "internal", "-o", str(internal))
    assert cli(capsys, ws, *inner)[0] == 0
    assert leaked(internal.read_text(encoding="utf-8")) == []
    assert cli(capsys, ws, *inner, "--unmask", "--as", "tess")[0] == 2
    code, _, err = cli(capsys, ws, *inner, "--unmask", "--as", "ada")
    assert code == 2 and "onboarding is not complete" in err  # an internal copy needs onboarding first
    _onboard(ws, "ada")
    assert cli(capsys, ws, *inner, "--unmask", "--as", "ada")[0] == 0
    # the held exchange is unmasked; the failed one is flagged and withheld until ada consents to it
    assert CARD in internal.read_text(encoding="utf-8")
    assert json.loads(internal.read_text(encoding="utf-8"))["exposure"]["flagged_withheld"] == 1
    assert _unmasked(ws)[-1] == ("ada", f"report:{planted.round_id}:internal", "cli")
