"""Warnings of building a round (a playbook step whose scorer is not installed) are stored with the round
and shown by `round run --json`, `round show` (text and --json) and every report format."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.round_cli import make_workspace, redline

pytestmark = pytest.mark.slow  # starts the CLI a few times

PLAYBOOK = """name: half-built
title: Half built
objective: One step runs; the other names a scorer that is not installed.
threats: [ux.context-loss]
automated:
  - technique: context-retention
    seeds: constraint-scenarios
    sample_size: 2
    scorers: [refusal.phrases]
  - technique: context-retention
    seeds: constraint-scenarios
    sample_size: 2
    scorers: [no.such-scorer]
"""
SKIPPED = "step 'context-retention' (constraint-scenarios) skipped: scorer no.such-scorer is not installed"


def _ok(res: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert res.returncode == 0, res.stderr
    return res


def _json(res: subprocess.CompletedProcess[str]) -> Any:
    return json.loads(_ok(res).stdout)


def test_round_warnings_are_stored_and_shown_everywhere(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    (ws / "playbooks" / "half-built.yaml").write_text(PLAYBOOK)

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return redline("-w", str(ws), *args, cwd=tmp_path)

    run = _json(cli("round", "run", "--system", "fake", "--playbook", "half-built", "--json"))
    assert run["status"] == "completed" and run["warnings"] == [SKIPPED]
    rid = run["round_id"]

    shown = _json(cli("round", "show", rid, "--json"))
    assert shown["warnings"] == [SKIPPED] and shown["round"]["config"]["warnings"] == [SKIPPED]
    assert f"warning: {SKIPPED}" in _ok(cli("round", "show", rid)).stdout

    report = _json(cli("report", rid, "-f", "json", "-o", "-"))
    assert [m["warnings"] for m in report["method"]["rounds"]] == [[SKIPPED]]
    md = _ok(cli("report", rid, "-f", "md", "-o", "-")).stdout
    assert "Warnings:" in md and "no.such-scorer is not installed" in md
    html = _ok(cli("report", rid, "-f", "html", "-o", "-")).stdout
    block = html.split('<div class="round-warnings">')[1].split("</div>")[0]
    assert "<h4>Warnings</h4>" in block and "no.such-scorer is not installed" in block


def test_a_round_without_warnings_says_none(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    run = _json(
        redline(
            "-w",
            str(ws),
            "round",
            "run",
            "--system",
            "fake",
            "--playbook",
            "retention-check",
            "--json",
            "--scorer",
            "refusal.phrases",
            cwd=tmp_path,
        )
    )
    assert run["warnings"] == []
    shown = _json(redline("-w", str(ws), "round", "show", run["round_id"], "--json", cwd=tmp_path))
    assert (
        shown["warnings"] == []
        and "warning:"
        not in _ok(redline("-w", str(ws), "round", "show", run["round_id"], cwd=tmp_path)).stdout
    )
