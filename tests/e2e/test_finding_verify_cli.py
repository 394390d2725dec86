"""`redline finding verify` in text: both parts of a verification, and a narrow patch not verified."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from redline.cli.main import run
from redline.config.settings import load_settings
from redline.engine.round import run_round
from redline.engine.spec import RoundSpec
from redline.program.register.releases import target_config_of
from redline.program.register.rerun import build_scorers
from redline.program.workspace import open_workspace_store
from redline.store.repos.systems import resolve_release
from tests import world as data

MODELS = "tests.unit.program.test_mitigations"
CONFIG = f"""
name: e2e
systems:
  - name: chat
    description: support assistant
    target:
      kind: callable
      model: {MODELS}:leaks_everything
"""


def cli(capsys: pytest.CaptureFixture[str], ws: Path, *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = run(["--workspace", str(ws), *args])
    return code, capsys.readouterr().out


def test_verify_prints_both_parts_and_refuses_a_narrow_patch(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = tmp_path / "ws"
    assert run(["init", str(ws)]) == 0
    (ws / "redline.yaml").write_text(CONFIG)
    settings = load_settings(ws)
    store = open_workspace_store(settings)
    data.people(store)
    assert cli(capsys, ws, "release", "add", "chat", "1.0")[0] == 0
    narrow = f"{MODELS}:blocks_failing_prompts"
    assert cli(capsys, ws, "release", "add", "chat", "1.1", "--model", narrow)[0] == 0
    with store.session() as s:
        release = resolve_release(s, "chat@1.0")
    spec = RoundSpec(
        target=target_config_of(release),
        target_name="chat",
        cases=data.cases({"leakage.system-prompt": 12}, canary=True),
        cases_source={"suite": "leaks"},
        scorers=tuple(build_scorers(["leak.canary"])),
        seed=3,
        release_id=release.id,
    )
    round_id = asyncio.run(run_round(spec, settings=settings, store=store)).round_id
    store.dispose()
    code, out = cli(capsys, ws, "finding", "propose", "--round", round_id, "--json")
    (action,) = json.loads(out)["actions"]
    fid = action["finding"]["id"]
    assert cli(capsys, ws, "finding", "triage", fid, "--owner", "eli", "--as", "lena")[0] == 0
    args = ("--type", "guardrail", "--description", "block the failing prompts", "--as", "eli")
    assert cli(capsys, ws, "mitigation", "add", fid, *args)[0] == 0

    code, out = cli(capsys, ws, "finding", "verify", fid, "--release", "chat@1.1", "--as", "eli")
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith("NOT_VERIFIED on ")
    original = next(line for line in lines if "(a) original cases: 12 in round" in line)
    assert "VERIFIED: the failure rate fell significantly: 12/12" in original and "0/12" in original
    assert any("(b) fresh variants:" in line and "paraphrases" in line for line in lines)
    assert any(line.strip().startswith("NOT_VERIFIED: ") for line in lines)
    assert lines[-1] == f"{fid} is now in_progress"
