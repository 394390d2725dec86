"""The one plan-runnable rule: a round starts only from an approved or active plan."""

from __future__ import annotations

import pytest

from redline.core.catalog.plans import (
    RUNNABLE_PLAN_STATUSES,
    Plan,
    PlanNotRunnableError,
    PlanStatus,
    check_runnable,
)
from redline.core.errors import RedlineError


@pytest.mark.parametrize("status", [PlanStatus.APPROVED, PlanStatus.ACTIVE])
def test_approved_and_active_plans_are_runnable(status: PlanStatus) -> None:
    plan = Plan(id="pln_1", title="t", status=status)
    assert check_runnable(plan) is plan


@pytest.mark.parametrize(
    "status", [PlanStatus.DRAFT, PlanStatus.SUBMITTED, PlanStatus.REJECTED, PlanStatus.CLOSED]
)
def test_other_plans_are_refused_with_one_message_naming_the_plan(status: PlanStatus) -> None:
    with pytest.raises(PlanNotRunnableError) as caught:
        check_runnable(Plan(id="pln_1", title="t", status=status))
    assert str(caught.value).startswith(
        f"plan pln_1 is {status.value}: a round cannot start from an unapproved plan. "
    )
    assert "--adhoc" in str(caught.value) and "\n" not in str(caught.value)
    assert isinstance(caught.value, RedlineError) and caught.value.exit_code == 2


def test_the_rule_covers_every_status() -> None:
    assert {s for s in PlanStatus if s in RUNNABLE_PLAN_STATUSES} == {PlanStatus.APPROVED, PlanStatus.ACTIVE}
