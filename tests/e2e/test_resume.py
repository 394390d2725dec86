"""Kill a round with SIGKILL mid-flight, run the same command again: every case exactly once.

Single-turn through the CLI (`redline round run`), multi-turn through a driver script that calls
run_round with a multi-turn strategy; each is killed more than once before it is allowed to finish.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.round_cli import (
    ROOT,
    attempt_rows,
    env,
    make_workspace,
    redline,
    round_rows,
    start,
    write_prompts,
)

pytestmark = pytest.mark.slow

DRIVER = """
import asyncio, sys
from pathlib import Path
from redline.engine.round import run_round
from redline.engine.spec import Batching, Pacing, RoundSpec
from redline.config.settings import load_settings
from redline.store.session import open_store
from tests.unit.engine.fakes import ComplianceScorer, FakeTarget, FollowUpStrategy, make_cases

settings = load_settings(Path(sys.argv[1]))
store = open_store(settings.database_url)
spec = RoundSpec(
    target=FakeTarget(latency_s=float(sys.argv[2])),
    target_name="fake",
    cases=make_cases(40, turns=4),
    cases_source={"kill-test": 40},
    scorers=[ComplianceScorer()],
    strategies={FollowUpStrategy.name: FollowUpStrategy()},
    pacing=Pacing(concurrency=6),
    batching=Batching(attempts=8, ms=30, cases=10),
    use_cache=False,
)
result = asyncio.run(run_round(spec, settings=settings, store=store))
print(result.round_id, result.status.value, result.attempts)
"""


def _reached(ws: Path, count: int) -> Callable[[], bool]:
    """Whether the workspace holds at least `count` attempts yet."""
    return lambda: _stored(ws) >= count


def _kill_when(proc: subprocess.Popen[str], ready: Callable[[], bool], *, timeout: float = 120) -> None:
    """SIGKILL the process as soon as `ready()` holds (it must still be running then)."""
    deadline = time.monotonic() + timeout
    while not ready():
        assert proc.poll() is None, (
            f"finished before it could be killed: {proc.stderr.read() if proc.stderr else ''}"
        )
        assert time.monotonic() < deadline, "no progress to kill in"
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL


def _stored(ws: Path) -> int:
    try:
        return len(attempt_rows(ws))
    except Exception:  # the database may not exist or be mid-migration in the first instants
        return 0


def test_sigkill_mid_round_then_the_same_command_stores_every_case_once(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    prompts = write_prompts(tmp_path / "p.txt", 300)
    args: tuple[str, ...] = (
        "-w",
        str(ws),
        "round",
        "run",
        "--system",
        "fake",
        "--prompts",
        str(prompts),
        "--concurrency",
        "6",
    )
    args = (*args, "--scorer", "refusal.phrases", "--no-cache")
    for threshold in (40, 140):  # killed twice, at different depths
        proc = start(*args, cwd=tmp_path, latency_s=0.03)
        _kill_when(proc, _reached(ws, threshold))
    ((round_id, status),) = round_rows(ws)
    assert status == "running"  # nothing could mark it: that is what SIGKILL means
    shown = redline("-w", str(ws), "round", "status", round_id, "--json", cwd=tmp_path)
    assert '"process_gone": true' in shown.stdout
    assert 140 <= _stored(ws) < 300
    res = redline(*args, "--json", cwd=tmp_path, latency_s=0.001)
    assert res.returncode == 0, res.stderr
    assert [r for r, _ in round_rows(ws)] == [round_id]
    rows = attempt_rows(ws)
    assert len(rows) == len(set(rows)) == len({c for _, c, _ in rows}) == 300
    assert round_rows(ws) == [(round_id, "completed")]


def test_sigkill_mid_conversation_resumes_turn_by_turn(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER)
    cmd = [sys.executable, str(driver), str(ws)]
    for threshold in (25, 90):
        proc = subprocess.Popen(
            [*cmd, "0.02"],
            cwd=ROOT,
            env=env(tmp_path),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        _kill_when(proc, _reached(ws, threshold))
    killed = attempt_rows(ws)
    assert 90 <= len(killed) < 160
    partial = {c for _, c, t in killed} - {c for _, c, t in killed if t == 3}
    assert partial, "some conversations should have been cut mid-way"
    done = subprocess.run(
        [*cmd, "0"], cwd=ROOT, env=env(tmp_path), capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    _, status, attempts = done.stdout.split()
    assert status == "completed" and int(attempts) == 160
    rows = attempt_rows(ws)
    assert len(rows) == len(set(rows)) == 160
    turns: dict[str, list[int]] = {}
    for _, case, turn in rows:
        turns.setdefault(case, []).append(turn)
    assert all(sorted(t) == [0, 1, 2, 3] for t in turns.values())
    # the resumed conversations equal those of a round that was never interrupted
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    other = make_workspace(fresh)
    clean = subprocess.run(
        [sys.executable, str(driver), str(other), "0"],
        cwd=ROOT,
        env=env(fresh),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert clean.returncode == 0, clean.stderr
    assert _requests(ws) == _requests(other)


def _requests(ws: Path) -> dict[tuple[str, int], str]:
    import sqlite3

    db = sqlite3.connect(ws / ".redline" / "redline.db")
    try:
        return {
            (c, t): str(r) + str(a)
            for c, t, r, a in db.execute("SELECT case_id, turn, request, response_text FROM attempts")
        }
    finally:
        db.close()
