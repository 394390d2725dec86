"""`redline round run --plan` and the web API refuse an unapproved plan with the one message of core."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from redline.cli.main import run
from redline.core.catalog.plans import Plan, PlanNotRunnableError, PlanStatus, check_runnable
from tests.e2e.inprocess import cli

FAKE = {"name": "fake", "target": {"kind": "callable", "model": "tests.unit.engine.fakes:answer"}}


def _expected(plan_id: str, status: PlanStatus) -> str:
    with pytest.raises(PlanNotRunnableError) as caught:
        check_runnable(Plan(id=plan_id, title="t", status=status))
    return str(caught.value)


def test_round_run_on_a_submitted_plan_exits_2_with_the_core_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = tmp_path / "ws"
    assert run(["-q", "init", str(ws)]) == 0
    config = ws / "redline.yaml"
    data = yaml.safe_load(config.read_text())
    data["systems"] = [FAKE]
    config.write_text(yaml.safe_dump(data, sort_keys=False))
    assert cli(capsys, ws, "user", "add", "ada", "--role", "admin")[0] == 0
    assert cli(capsys, ws, "user", "add", "lee", "--role", "lead", "--as", "ada")[0] == 0
    code, out, err = cli(
        capsys,
        ws,
        "plan",
        "create",
        "--title",
        "gate",
        "--threat",
        "injection.direct",
        "--as",
        "lee",
        "--json",
    )
    assert code == 0, err
    plan_id = json.loads(out)["id"]
    assert cli(capsys, ws, "plan", "submit", plan_id, "--as", "lee")[0] == 0
    prompts = tmp_path / "p.txt"
    prompts.write_text("how do I bake bread\n")
    code, out, err = cli(
        capsys, ws, "round", "run", "--system", "fake", "--prompts", str(prompts), "--plan", plan_id
    )
    assert code == 2
    assert err.strip().splitlines()[-1].endswith(_expected(plan_id, PlanStatus.SUBMITTED))
