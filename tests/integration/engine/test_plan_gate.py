"""The engine's door for rounds on a plan uses the one plan-runnable rule of core (same error as program)."""

from __future__ import annotations

import asyncio

import pytest

from redline.core.catalog.plans import Plan, PlanNotRunnableError, PlanStatus, check_runnable
from redline.core.runs.rounds import RoundStatus
from redline.engine.round import run_round
from redline.engine.spec import RoundSpec
from redline.store.repos import plans as plans_repo
from redline.store.repos import rounds as rounds_repo
from tests.integration.engine.conftest import Env
from tests.integration.engine.test_run_round import FAST
from tests.unit.engine.fakes import ComplianceScorer, FakeTarget, make_cases


def _spec(plan_id: str) -> RoundSpec:
    return RoundSpec(
        target=FakeTarget(latency_s=0.001),
        target_name="fake",
        cases=make_cases(3),
        cases_source={"fake": 3},
        scorers=[ComplianceScorer()],
        pacing=FAST,
        plan_id=plan_id,
        adhoc=False,
    )


def test_a_round_on_a_draft_plan_is_refused_with_the_core_message_and_runs_once_approved(
    sqlite_env: Env,
) -> None:
    env = sqlite_env
    with env.store.session() as s:
        plan = plans_repo.add_plan(s, Plan(id="pln_gate", title="gate"), actor="lee")
    with pytest.raises(PlanNotRunnableError) as refused:
        asyncio.run(run_round(_spec(plan.id), settings=env.settings, store=env.store))
    with pytest.raises(PlanNotRunnableError) as expected:
        check_runnable(plan)
    assert str(refused.value) == str(expected.value)
    with env.store.session() as s:
        assert rounds_repo.list_rounds(s) == []
        for status in (PlanStatus.SUBMITTED, PlanStatus.APPROVED):
            plans_repo.move(s, plan.id, status, actor="cam")
    result = asyncio.run(run_round(_spec(plan.id), settings=env.settings, store=env.store))
    assert result.status is RoundStatus.COMPLETED
    with env.store.session() as s:
        rnd = rounds_repo.get_round(s, result.round_id)
    assert rnd.plan_id == plan.id and not rnd.adhoc
