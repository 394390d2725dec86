"""A round on a local GGUF model survives its llama.cpp worker dying: every case is stored exactly once.

The first test crashes a stand-in worker on one case (fast, no model); the second kills the real
bundled model's worker with SIGKILL while it generates, in the middle of a round (one llama.cpp
thread and 24-token answers: 43 s on a busy 2-core machine, two model loads included).
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from redline.core.runs.cases import AttackCase
from redline.core.runs.conversation import ErrorKind, GenerationParams
from redline.core.runs.rounds import Attempt, RoundStatus
from redline.engine.result import RoundResult
from redline.engine.round import run_round
from redline.engine.spec import Pacing, RoundSpec
from redline.store.repos import rounds as rounds_repo
from redline.targets import llama_runtime
from redline.targets.gguf import GGUFOptions, GGUFTarget
from tests.integration.engine.conftest import Env
from tests.unit.engine.fakes import ComplianceScorer, make_case

FAKE_WORKER = Path(__file__).parents[1] / "targets" / "fake_llama_worker.py"
SERIAL = Pacing(concurrency=1, timeout_s=120, max_retries=0)


def _round(env: Env, target: GGUFTarget, cases: list[AttackCase], params: GenerationParams) -> RoundResult:
    spec = RoundSpec(
        target=target,
        target_name=target.name,
        cases=cases,
        cases_source={"worker-crash": len(cases)},
        scorers=[ComplianceScorer()],
        params=params,
        pacing=SERIAL,
        use_cache=False,
    )
    return asyncio.run(run_round(spec, settings=env.settings, store=env.store))


def _stored_once(env: Env, result: RoundResult, cases: list[AttackCase]) -> list[Attempt]:
    with env.store.session() as s:
        attempts = rounds_repo.list_attempts(s, result.round_id)
    assert Counter(a.case_id for a in attempts) == Counter(c.id for c in cases)  # none lost, none twice
    return attempts


def test_a_worker_crash_is_one_stored_outcome_and_the_round_goes_on(
    sqlite_env: Env, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(llama_runtime, "worker_command", lambda: [sys.executable, str(FAKE_WORKER)])
    weights = tmp_path / "fake.gguf"
    weights.write_bytes(b"GGUF stand-in")  # hashed into the round's model identity
    target = GGUFTarget(weights, name="fake-smol")
    cases = [make_case(i, prompt="CRASH here" if i == 3 else None) for i in range(8)]
    try:
        result = _round(sqlite_env, target, cases, GenerationParams(max_tokens=8))
        crashes = target.worker().crashes
    finally:
        target.worker().close()
    assert result.status is RoundStatus.COMPLETED and result.cases == 8 and result.attempts == 8
    assert result.errors == {"runtime_crash": 1}
    attempts = _stored_once(sqlite_env, result, cases)
    (crashed,) = [a for a in attempts if not a.response.ok]
    assert crashed.case_id == cases[3].id and crashed.response.error is ErrorKind.RUNTIME_CRASH
    assert "SIGSEGV" in (crashed.response.error_detail or "")
    assert all(a.response.text.startswith("echo: prompt number") for a in attempts if a is not crashed)
    assert crashes == 1


@pytest.mark.slow
def test_killing_the_bundled_models_worker_mid_round_loses_and_repeats_nothing(sqlite_env: Env) -> None:
    pytest.importorskip(
        "llama_cpp", reason="llama-cpp-python is not installed (pip install 'redline[local]')"
    )
    target = GGUFTarget(name="smol", options=GGUFOptions(n_ctx=1024, n_threads=1))
    worker = target.worker()
    cases = [make_case(i, prompt=f"Write a short poem about the number {i}.") for i in range(6)]
    kill_at = worker.requests + 3  # the third case's generation
    killed: list[int] = []

    def kill_mid_generation() -> None:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            pid = worker.pid
            if worker.requests >= kill_at and worker.in_flight and pid is not None:
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
                return
            time.sleep(0.001)

    killer = threading.Thread(target=kill_mid_generation, daemon=True)
    killer.start()
    try:
        result = _round(sqlite_env, target, cases, GenerationParams(max_tokens=24))
        killer.join(timeout=5)
        restarted = worker.pid
    finally:
        worker.close()
    assert killed, "the worker was never seen generating"
    assert result.status is RoundStatus.COMPLETED and result.cases == 6 and result.attempts == 6
    assert result.errors == {"runtime_crash": 1}
    attempts = _stored_once(sqlite_env, result, cases)
    (crashed,) = [a for a in attempts if a.response.error is ErrorKind.RUNTIME_CRASH]
    assert crashed.case_id == cases[2].id and "SIGKILL" in (crashed.response.error_detail or "")
    assert all(a.response.ok and a.response.text.strip() for a in attempts if a is not crashed)
    assert restarted not in (None, killed[0])  # the cases after the crash ran on a fresh worker
