"""The Ray executor on a local Ray instance gets the same attempts as the local executor."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from redline.core.runs.rounds import RoundStatus
from redline.engine.executors import make_executor
from redline.engine.result import RoundResult
from redline.engine.round import run_round
from redline.engine.spec import Batching, Budget, Pacing, RoundSpec
from redline.store.repos import rounds as rounds_repo
from tests.integration.engine.conftest import Env
from tests.unit.engine.fakes import ComplianceScorer, FakeTarget, FollowUpStrategy, make_cases

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    ray = pytest.importorskip("ray")
    before = os.environ.get("PYTHONPATH")
    # Ray's workers import the test fakes by name: they must find the tests package
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), before]))
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        yield
    finally:
        ray.shutdown()
        if before is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = before


def _spec(n: int, **changes: Any) -> RoundSpec:
    cases = [*make_cases(n), *make_cases(n // 4, turns=3, start=n)]
    spec = RoundSpec(
        target=FakeTarget(latency_s=0.002),
        target_name="fake",
        cases=cases,
        cases_source={"ray-test": n},
        scorers=[ComplianceScorer()],
        strategies={FollowUpStrategy.name: FollowUpStrategy()},
        pacing=Pacing(concurrency=8),
        batching=Batching(attempts=32, ms=50, cases=25),
    )
    return replace(spec, **changes)


def _run(env: Env, spec: RoundSpec, executor: str) -> RoundResult:
    return asyncio.run(
        run_round(spec, settings=env.settings, store=env.store, executor=make_executor(executor))
    )


def _snapshot(env: Env, round_id: str) -> dict[tuple[str, int], tuple[str, str]]:
    with env.store.session() as s:
        attempts = rounds_repo.list_attempts(s, round_id)
        scores = {a: sc.verdict for a, sc in rounds_repo.list_scores(s, round_id)}
    return {
        (a.case_id, a.turn): (a.request.model_dump_json() + a.response.text, str(scores.get(a.id)))
        for a in attempts
    }


def test_ray_gets_the_same_attempts_and_scores_as_the_local_executor(
    sqlite_env: Env, local_ray: None
) -> None:
    local = _run(sqlite_env, _spec(120, use_cache=False), "local")
    ray_result = _run(sqlite_env, _spec(120, use_cache=False, auto_resume=False), "ray")
    assert ray_result.status is RoundStatus.COMPLETED
    assert ray_result.attempts == local.attempts == 120 + 30 * 3
    assert _snapshot(sqlite_env, ray_result.round_id) == _snapshot(sqlite_env, local.round_id)
    assert ray_result.evidence == local.evidence
    assert ray_result.run.attempts == 210


def test_ray_round_stopped_by_budget_resumes_to_the_same_set(sqlite_env: Env, local_ray: None) -> None:
    stopped = _run(sqlite_env, _spec(80, budget=Budget(max_requests=40), use_cache=False), "ray")
    assert stopped.status is RoundStatus.STOPPED and 0 < stopped.attempts < 140
    resumed = _run(sqlite_env, _spec(80, use_cache=False), "ray")
    assert resumed.round_id == stopped.round_id and resumed.status is RoundStatus.COMPLETED
    keys = list(_snapshot(sqlite_env, resumed.round_id))
    assert len(keys) == len(set(keys)) == 80 + 20 * 3


def test_ray_workers_rebuild_a_configured_target(sqlite_env: Env, local_ray: None) -> None:
    from redline.config.settings import TargetConfig

    target = TargetConfig(kind="callable", model="tests.unit.engine.fakes:answer")
    cases = list(make_cases(40))
    base = _spec(0, cases=cases, target=target, strategies={}, use_cache=False)
    local = _run(sqlite_env, base, "local")
    ray_result = _run(sqlite_env, replace(base, auto_resume=False), "ray")
    assert ray_result.attempts == local.attempts == 40
    assert _snapshot(sqlite_env, ray_result.round_id) == _snapshot(sqlite_env, local.round_id)
