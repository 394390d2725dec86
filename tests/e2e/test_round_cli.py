"""`redline round` and `redline scan` as a user runs them: real subprocesses, real adapters."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.round_cli import attempt_rows, make_workspace, redline, write_prompts

pytestmark = pytest.mark.slow  # each test starts the CLI a few times

CHEAP = ("--scorer", "refusal.phrases")  # the phrase scorer loads no model


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    return make_workspace(tmp_path)


def _json(res: subprocess.CompletedProcess[str]) -> Any:
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


def _round(ws: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return redline("-w", str(ws), "round", *args, cwd=ws.parent)


def _run(ws: Path, prompts: Path, *extra: str) -> Any:
    return _json(_round(ws, "run", "--system", "fake", "--prompts", str(prompts), "--json", *CHEAP, *extra))


def test_round_run_list_show_status(ws: Path, tmp_path: Path) -> None:
    run = _run(ws, write_prompts(tmp_path / "p.txt", 40))
    assert run["status"] == "completed" and run["attempts"] == 40 and run["cases"] == 40
    round_id = run["round_id"]
    listed = _json(_round(ws, "list", "--json"))
    assert [r["id"] for r in listed] == [round_id] and listed[0]["attempts"] == 40 and listed[0]["adhoc"]
    shown = _json(_round(ws, "show", round_id, "--json"))
    assert shown["cases"] == 40 and shown["round"]["config"]["system"] == "fake"
    assert shown["round"]["config"]["scorers"] == [{"name": "refusal.phrases", "version": "1"}]
    status = _json(_round(ws, "status", round_id, "--json"))
    assert status == {
        "round_id": round_id,
        "status": "completed",
        "process_gone": False,
        "cases_done": 40,
        "cases_total": 40,
        "attempts": 40,
        "errors": {},
    }
    human = _round(ws, "show", round_id)
    assert "Failure rates" in human.stdout and "95% CI" in human.stdout


def test_dry_run_counts_requests_tokens_and_cost_without_calling(ws: Path, tmp_path: Path) -> None:
    prompts = write_prompts(tmp_path / "p.txt", 25)
    est = _run(ws, prompts, "--dry-run", "--price-prompt", "1.0", "--price-completion", "2.0")
    assert est["cases"] == 25 and est["requests"] == 25 and est["cached"] == 0
    assert est["completion_tokens"] == 25 * 256 and est["cost"] > 0
    assert attempt_rows(ws) == []


def test_budget_stops_the_round_and_the_same_command_finishes_it(ws: Path, tmp_path: Path) -> None:
    prompts = write_prompts(tmp_path / "p.txt", 30)
    stopped = _run(ws, prompts, "--max-requests", "12")
    assert stopped["status"] == "stopped" and stopped["attempts"] == 12
    assert "12 requests" in stopped["stopped_reason"]
    done = _run(ws, prompts)
    assert done["round_id"] == stopped["round_id"] and done["resumed"] and done["status"] == "completed"
    rows = attempt_rows(ws)
    assert len(rows) == len(set(rows)) == 30


def test_a_new_round_reuses_cached_answers_unless_told_not_to(ws: Path, tmp_path: Path) -> None:
    prompts = write_prompts(tmp_path / "p.txt", 10)
    first = _run(ws, prompts)
    second = _run(ws, prompts)
    assert second["round_id"] != first["round_id"]
    assert second["run"]["cached"] == 10 and second["run"]["requests"] == 0
    third = _run(ws, prompts, "--no-cache")
    assert third["run"]["cached"] == 0 and third["run"]["requests"] == 10


def test_multi_turn_playbook_stores_every_turn(ws: Path) -> None:
    run = _json(_round(ws, "run", "--system", "fake", "--playbook", "retention-check", "--json", *CHEAP))
    assert run["cases"] == 5 and run["status"] == "completed"
    rows = attempt_rows(ws)
    assert len(rows) == run["attempts"] > 5 and max(t for _, _, t in rows) >= 2


def test_errors_read_as_one_line(ws: Path, tmp_path: Path) -> None:
    res = _round(ws, "run", "--system", "nope", "--prompts", "x.txt")
    assert res.returncode == 2 and "no system named 'nope'" in res.stderr and "Traceback" not in res.stderr
    res = _round(ws, "show", "rnd_missing")
    assert res.returncode == 2 and "no round with id 'rnd_missing'" in res.stderr
    prompts = write_prompts(tmp_path / "p.txt", 3)
    res = _round(ws, "run", "--system", "fake", "--prompts", str(prompts), "--executor", "spark", *CHEAP)
    assert res.returncode == 2 and "unknown executor 'spark'" in res.stderr


def test_scan_creates_a_workspace_and_prints_rates(tmp_path: Path) -> None:
    from tests.integration.targets.servers import mock_openai

    prompts = write_prompts(tmp_path / "p.txt", 12)
    with mock_openai("--latency-ms", "5") as url:
        args = ("scan", "--url", url, "--model", "mock-model", "--prompts", str(prompts), *CHEAP)
        res = redline(*args, cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "redline-scan" / "redline.yaml").is_file()
    assert "Failure rates" in res.stdout and "95% CI" in res.stdout and "Full results" in res.stdout
    assert len(attempt_rows(tmp_path / "redline-scan")) == 12
