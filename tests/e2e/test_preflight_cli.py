"""A wrong address fails in one line and seconds; a target that goes away mid-round pauses it (real CLI)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.e2e.round_cli import attempt_rows, make_workspace, redline, round_rows, write_prompts
from tests.integration.targets.servers import closed_port, mock_openai

CHEAP = ("--scorer", "refusal.phrases")  # the phrase scorer loads no model


def test_scan_of_a_closed_port_stops_in_one_line_before_any_workspace_or_round(tmp_path: Path) -> None:
    port = closed_port()
    start = time.monotonic()
    res = redline("scan", "--url", f"http://127.0.0.1:{port}/v1", "--model", "x", cwd=tmp_path, timeout=60)
    took = time.monotonic() - start
    assert res.returncode == 3, res.stderr
    assert res.stderr == (
        f"error: target 'scan-x': http://127.0.0.1:{port}/v1/chat/completions refused the connection "
        f"(nothing listening on 127.0.0.1:{port}); check --url (skip this check with --no-preflight)\n"
    )
    assert took < 30, took  # the CLI's start-up; the check itself takes milliseconds
    assert not (tmp_path / "redline-scan").exists()


@pytest.mark.slow  # several CLI processes or a whole scan: make test runs it, test-fast does not
def test_scan_without_preflight_pauses_and_the_same_command_resumes_once_the_server_is_up(
    tmp_path: Path,
) -> None:
    port = closed_port()
    prompts = write_prompts(tmp_path / "p.txt", 12)
    args = (
        "scan",
        "--url",
        f"http://127.0.0.1:{port}/v1",
        "--model",
        "mock-model",
        "--prompts",
        str(prompts),
    )
    res = redline(*args, *CHEAP, "--no-preflight", cwd=tmp_path, timeout=120)
    assert res.returncode == 3, res.stderr
    error = res.stderr.strip().splitlines()[-1]
    assert error.startswith("error: round rnd_") and "paused: scan-mock-model stopped answering (" in error
    assert f"cannot connect to 127.0.0.1:{port}" in error and error.endswith(
        "run the same command again to resume"
    )
    ws = tmp_path / "redline-scan"
    assert [status for _, status in round_rows(ws)] == ["stopped"] and attempt_rows(ws) == []
    with mock_openai("--latency-ms", "1", "--port", str(port)):
        done = redline(*args, *CHEAP, cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    rows = attempt_rows(ws)
    assert len(rows) == len(set(rows)) == 12 and len({r for r, _, _ in rows}) == 1
    assert [status for _, status in round_rows(ws)] == ["completed"]


@pytest.mark.slow  # several CLI processes or a whole scan: make test runs it, test-fast does not
def test_round_run_checks_the_system_before_it_makes_a_round(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    config = ws / "redline.yaml"
    port = closed_port()
    api = (
        "systems:\n  - name: api\n    target:\n      kind: openai-compat\n"
        f"      base_url: http://127.0.0.1:{port}/v1\n      model: tiny\n"
    )
    config.write_text(config.read_text().replace("systems:\n", api, 1))
    prompts = write_prompts(tmp_path / "p.txt", 3)
    run = ("-w", str(ws), "round", "run", "--system", "api", "--prompts", str(prompts), *CHEAP)
    res = redline(*run, cwd=tmp_path, timeout=60)
    assert res.returncode == 3
    assert (
        f"nothing listening on 127.0.0.1:{port}); check base_url of system 'api' in redline.yaml"
        in res.stderr
    )
    assert round_rows(ws) == []  # no empty round left behind
    dry = redline(*run, "--dry-run", cwd=tmp_path, timeout=60)  # a dry run sends nothing, checks nothing
    assert dry.returncode == 0, dry.stderr
