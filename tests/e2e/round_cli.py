"""Helpers for the round CLI end-to-end tests: a workspace with fake systems, and the CLI as a subprocess."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REDLINE = [sys.executable, "-m", "redline.cli.main"]

SYSTEMS = """systems:
  - name: fake
    target:
      kind: callable
      model: tests.unit.engine.fakes:answer
"""

RETENTION_PLAYBOOK = """name: retention-check
title: Context retention
objective: Check that constraints survive a conversation.
threats: [ux.context-loss]
automated:
  - technique: context-retention
    seeds: constraint-scenarios
    sample_size: 5
"""


def env(tmp: Path, *, latency_s: float = 0.01) -> dict[str, str]:
    """Environment for a CLI subprocess: the tests package importable, the fake target's latency."""
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp),
        "USER": "tester",
        "PYTHONPATH": str(ROOT),
        "REDLINE_FAKE_LATENCY_S": str(latency_s),
    }


def redline(
    *args: str, cwd: Path, latency_s: float = 0.01, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run the CLI to completion."""
    return subprocess.run(
        [*REDLINE, *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env(cwd, latency_s=latency_s),
        timeout=timeout,
    )


def start(*args: str, cwd: Path, latency_s: float) -> subprocess.Popen[str]:
    """Start the CLI without waiting."""
    return subprocess.Popen(
        [*REDLINE, *args],
        cwd=cwd,
        env=env(cwd, latency_s=latency_s),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def make_workspace(tmp: Path) -> Path:
    """A workspace whose system 'fake' is the callable fake target, with a multi-turn playbook."""
    res = redline("init", str(tmp / "ws"), cwd=tmp)
    assert res.returncode == 0, res.stderr
    ws = tmp / "ws"
    config = ws / "redline.yaml"
    config.write_text(config.read_text().replace("systems:\n", SYSTEMS, 1))
    (ws / "playbooks" / "retention.yaml").write_text(RETENTION_PLAYBOOK)
    return ws


def write_prompts(path: Path, n: int) -> Path:
    """A prompts file of `n` distinct prompts, one a line."""
    path.write_text("".join(f"prompt number {i} about gardening\n" for i in range(n)))
    return path


def attempt_rows(ws: Path) -> list[tuple[str, str, int]]:
    """(round id, case id, turn) of every stored attempt, read straight from the database."""
    db = sqlite3.connect(ws / ".redline" / "redline.db", timeout=30)
    try:
        return [(r, c, t) for r, c, t in db.execute("SELECT round_id, case_id, turn FROM attempts")]
    finally:
        db.close()


def round_rows(ws: Path) -> list[tuple[str, str]]:
    """(round id, status) of every round."""
    db = sqlite3.connect(ws / ".redline" / "redline.db", timeout=30)
    try:
        return list(db.execute("SELECT id, status FROM rounds ORDER BY created_at"))
    finally:
        db.close()
