"""Test plans and their approval workflow."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from redline.core.errors import RedlineError, TransitionError


class PlanStatus(StrEnum):
    """Where a plan stands: draft -> submitted -> approved or rejected -> active -> closed."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    ACTIVE = "active"
    CLOSED = "closed"


P = PlanStatus
PLAN_TRANSITIONS: dict[PlanStatus, frozenset[PlanStatus]] = {
    P.DRAFT: frozenset({P.SUBMITTED}),
    P.SUBMITTED: frozenset({P.APPROVED, P.REJECTED, P.DRAFT}),
    P.REJECTED: frozenset({P.DRAFT}),
    P.APPROVED: frozenset({P.ACTIVE, P.CLOSED}),
    P.ACTIVE: frozenset({P.CLOSED}),
    P.CLOSED: frozenset(),
}
RUNNABLE_PLAN_STATUSES = frozenset({P.APPROVED, P.ACTIVE})


class PlanNotRunnableError(RedlineError):
    """A round was asked to start from a plan that is not approved or active."""

    exit_code = 2


def check_runnable(plan: Plan) -> Plan:
    """The plan, if a round may start from it (approved or active); otherwise `PlanNotRunnableError`.
    The one rule for every door that starts a round: command line, web and engine."""
    if plan.status not in RUNNABLE_PLAN_STATUSES:
        raise PlanNotRunnableError(
            f"plan {plan.id} is {plan.status.value}: a round cannot start from an unapproved plan. "
            "Submit it for approval ('redline plan submit'), or run with --adhoc (ad-hoc rounds are "
            "marked as such everywhere)"
        )
    return plan


def check_plan_transition(current: PlanStatus, new: PlanStatus) -> None:
    """Raise `TransitionError` unless `current -> new` is allowed."""
    if new not in PLAN_TRANSITIONS[current]:
        raise TransitionError(f"a plan cannot go from {current.value} to {new.value}")


class PreMortem(BaseModel):
    """An imagined failure traced back to its causes."""

    model_config = ConfigDict(frozen=True)

    failure: str
    causes: tuple[str, ...] = ()


class Plan(BaseModel):
    """What a round will test, why, by whom and within which budget."""

    model_config = ConfigDict(frozen=True)

    id: str
    title: str
    release_id: str | None = None
    status: PlanStatus = PlanStatus.DRAFT
    scope: str = ""
    goals: tuple[str, ...] = ()
    hypotheses: tuple[str, ...] = ()
    pre_mortem: tuple[PreMortem, ...] = ()
    success_criteria: tuple[str, ...] = ()
    threats: tuple[str, ...] = ()
    playbooks: tuple[str, ...] = ()
    testers: tuple[str, ...] = ()
    budget_requests: int | None = Field(default=None, ge=0)
    budget_hours: float | None = Field(default=None, ge=0, description="Tester hours budgeted.")
    system: str | None = Field(default=None, description="Name of the system under test.")
    release: str | None = Field(default=None, description="Version label of the release under test.")
    submission: int = Field(default=0, ge=0, description="How many times the plan was submitted.")
    created_by: str | None = None
    created_at: datetime | None = None


class PlanVote(BaseModel):
    """One approver's vote on one submission of a plan."""

    model_config = ConfigDict(frozen=True)

    plan_id: str
    submission: int = Field(ge=1, description="Which submission of the plan the vote is on.")
    approver: str = Field(description="User name of the approver.")
    approve: bool = Field(description="True to approve, False to reject.")
    comment: str = ""
    at: datetime | None = None
