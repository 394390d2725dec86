"""`redline onboarding` and the onboarding gate of `redline round run`, through the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.inprocess import cli, workspace_with_people


@pytest.fixture
def ws(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("REDLINE_USER", raising=False)
    return workspace_with_people(tmp_path / "ws", capsys)


def test_a_tester_consents_on_the_command_line_and_leads_list_the_team(
    ws: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = cli(capsys, ws, "onboarding", "show", "--as", "tess")
    assert code == 0 and out.startswith("== Code of conduct (version 1.0, ")
    assert out.rstrip().endswith("tess: missing: onboarding is not complete")
    code, out, _ = cli(capsys, ws, "onboarding", "consent", "--as", "tess", "--yes", "--json")
    assert code == 0 and json.loads(out)["state"] == "current"
    code, out, _ = cli(capsys, ws, "onboarding", "list", "--as", "ada", "--json")
    states = {r["user"]: r["state"] for r in json.loads(out)}
    assert code == 0 and states == {"ada": "missing", "tess": "current"}
    assert cli(capsys, ws, "onboarding", "list", "--as", "tess")[0] == 2
    code, out, _ = cli(capsys, ws, "onboarding", "withdraw", "--as", "tess", "--reason", "a break")
    assert code == 0 and "withdrawn" in out


def test_round_run_by_a_named_user_needs_current_onboarding(
    ws: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ("round", "run", "--system", "smollm2", "--playbook", "jailbreak", "--as", "tess", "--dry-run")
    code, _, err = cli(capsys, ws, *args)
    assert code == 2
    assert "tess may not start a round of playbooks: onboarding is not complete" in err
    assert "redline onboarding consent --as tess" in err
    assert cli(capsys, ws, "onboarding", "consent", "--as", "tess", "--yes")[0] == 0
    code, out, _ = cli(capsys, ws, *args, "--sample-size", "1")
    assert code == 0 and "cases" in out


def test_playbook_show_prints_warnings_and_guidance_first(
    ws: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = cli(capsys, ws, "playbook", "show", "child-safety")
    lines = out.splitlines()
    assert code == 0 and lines[0].startswith("CONTENT WARNING: self-harm and suicide")
    assert lines[1].startswith("GUIDANCE: ") and "name: child-safety" in out
    assert out.index("GUIDANCE") < out.index("manual:")
