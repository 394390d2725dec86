"""`redline schedule list` and `redline schedule run --once`: jobs, next firings, last run and status."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from redline.cli.main import run
from tests.e2e.inprocess import cli


def _workspace(folder: Path, schedules: list[dict[str, object]]) -> Path:
    assert run(["-q", "init", str(folder)]) == 0
    config = folder / "redline.yaml"
    data = yaml.safe_load(config.read_text())
    data["schedules"] = schedules
    config.write_text(yaml.safe_dump(data, sort_keys=False))
    return folder


def test_list_shows_jobs_and_a_failed_once_run_is_recorded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = _workspace(
        tmp_path / "ws",
        [
            {"name": "nightly", "cron": "0 2 * * *", "job": "round", "plan": "pln_missing", "user": "lena"},
            {
                "name": "weekly",
                "cron": "0 6 * * 1",
                "job": "upkeep",
                "timezone": "Europe/Paris",
                "enabled": False,
            },
        ],
    )
    code, out, err = cli(capsys, ws, "schedule", "list", "--json")
    assert code == 0, err
    nightly, weekly = json.loads(out)
    assert (nightly["job"], nightly["plan"], nightly["last_run"]) == ("round", "pln_missing", None)
    assert nightly["next_fire"].endswith("T02:00:00Z") and weekly["next_fire"] is None
    code, out, err = cli(capsys, ws, "schedule", "run", "--once", "nightly")
    assert code == 3
    assert err.strip() == (
        "error: schedule nightly failed: no plan with id 'pln_missing'; 'redline plan list' shows them"
    )
    code, out, err = cli(capsys, ws, "schedule", "list", "--json")
    last = json.loads(out)[0]["last_run"]
    assert (last["status"], last["reason"][:30]) == ("failed", "no plan with id 'pln_missing';")
    code, out, _ = cli(capsys, ws, "schedule", "list")
    assert code == 0 and "failed:" in out and "disabled" in out and "never" in out


def test_run_once_names_the_known_jobs_and_run_needs_an_enabled_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = _workspace(
        tmp_path / "ws", [{"name": "weekly", "cron": "0 6 * * 1", "job": "upkeep", "enabled": False}]
    )
    code, _, err = cli(capsys, ws, "schedule", "run", "--once", "nope")
    assert code == 2 and err.strip() == "error: no schedule named 'nope' in redline.yaml (known: weekly)"
    code, _, err = cli(capsys, ws, "schedule", "run")
    assert code == 2 and "no enabled schedules" in err


def test_a_bad_cron_is_one_line_naming_the_file_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = _workspace(tmp_path / "ws", [{"name": "x", "cron": "0 25 * * *", "job": "monitor"}])
    code, _, err = cli(capsys, ws, "schedule", "list")
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "redline.yaml" in err and "field 'schedules.0.cron'" in err
