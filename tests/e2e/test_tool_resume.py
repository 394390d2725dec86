"""Kill a round of a tool-calling agent with SIGKILL, run it again: every attempt and every tool step once.

The agent is the real tool loop over the YAML sandbox (tests/integration/tool_world.py); its traces
after two kills and a resume equal those of a round that was never interrupted.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.e2e.round_cli import ROOT, attempt_rows, env, make_workspace

pytestmark = pytest.mark.slow
N = 60

DRIVER = """
import asyncio, sys
from pathlib import Path
from redline.engine.round import run_round
from redline.engine.spec import Batching, Pacing, RoundSpec
from redline.config.settings import load_settings
from redline.store.session import open_store
from tests.integration.tool_world import AgentTarget, ExfilScorer, agent_cases, write_sandbox

settings = load_settings(Path(sys.argv[1]))
store = open_store(settings.database_url)
spec = RoundSpec(
    target=AgentTarget(write_sandbox(Path(sys.argv[1])), latency_s=float(sys.argv[2])),
    target_name="agent",
    cases=agent_cases(N_CASES),
    cases_source={"agents": N_CASES},
    scorers=[ExfilScorer()],
    pacing=Pacing(concurrency=4),
    batching=Batching(attempts=4, ms=20, cases=8),
    use_cache=False,
)
result = asyncio.run(run_round(spec, settings=settings, store=store))
print(result.round_id, result.status.value, result.attempts)
""".replace("N_CASES", str(N))


def _stored(ws: Path) -> int:
    try:
        return len(attempt_rows(ws))
    except Exception:  # the database may not exist or be mid-migration in the first instants
        return 0


def _traces(ws: Path) -> dict[str, tuple[str, list[tuple[int, int, str, str, str, bool]]]]:
    """Per case: the answer and the steps (index, turn, tool, arguments, outcome, injected) as stored."""
    db = sqlite3.connect(ws / ".redline" / "redline.db", timeout=30)
    try:
        rows = db.execute("SELECT case_id, response, response_text FROM attempts").fetchall()
    finally:
        db.close()
    out = {}
    for case_id, response, text in rows:
        steps = json.loads(response)["actions"]["steps"]
        out[case_id] = (
            text,
            [
                (
                    s["index"],
                    s["turn"],
                    s["call"]["name"],
                    json.dumps(s["call"]["arguments"], sort_keys=True),
                    s["outcome"]["content"],
                    s["outcome"]["injected"],
                )
                for s in steps
            ],
        )
    return out


def _driver(ws: Path, tmp: Path, latency: str) -> list[str]:
    driver = tmp / "driver.py"
    driver.write_text(DRIVER)
    return [sys.executable, str(driver), str(ws), latency]


def test_sigkill_mid_round_of_an_agent_resumes_without_duplicate_or_lost_steps(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    for threshold in (10, 30):  # killed twice, at different depths
        proc = subprocess.Popen(
            _driver(ws, tmp_path, "0.03"),
            cwd=ROOT,
            env=env(tmp_path),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 120
        while _stored(ws) < threshold:
            assert proc.poll() is None, (
                f"finished before it could be killed: {proc.stderr.read() if proc.stderr else ''}"
            )
            assert time.monotonic() < deadline, "no progress to kill in"
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    assert 30 <= _stored(ws) < N
    done = subprocess.run(
        _driver(ws, tmp_path, "0"), cwd=ROOT, env=env(tmp_path), capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    _, status, attempts = done.stdout.split()
    assert status == "completed" and int(attempts) == N
    rows = attempt_rows(ws)
    assert len(rows) == len(set(rows)) == len({c for _, c, _ in rows}) == N
    traces = _traces(ws)
    assert all(
        [s[:3] for s in steps] == [(0, 0, "read_inbox"), (1, 1, "send_email")] for _, steps in traces.values()
    )
    assert sum(steps[0][5] for _, steps in traces.values()) == N // 3  # planted results, once each
    # the same traces as a round never interrupted
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    other = make_workspace(fresh)
    clean = subprocess.run(
        _driver(other, fresh, "0"), cwd=ROOT, env=env(fresh), capture_output=True, text=True, timeout=300
    )
    assert clean.returncode == 0, clean.stderr
    assert _traces(other) == traces
