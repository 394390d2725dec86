"""Test plans and the votes on them; every status change and vote is audited in the same transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from redline.core.catalog.plans import Plan, PlanStatus, PlanVote, check_plan_transition
from redline.core.errors import NotFoundError, UsageError
from redline.store import audit
from redline.store.tables import PlanApprovalRow, PlanRow

_COLUMNS = {"id", "title", "release_id", "status", "submission", "created_by", "created_at"}


def _plan(row: PlanRow) -> Plan:
    return Plan.model_validate(
        {
            **row.body,
            "id": row.id,
            "title": row.title,
            "release_id": row.release_id,
            "status": row.status,
            "submission": row.submission,
            "created_by": row.created_by,
            "created_at": row.created_at,
        }
    )


def _vote(row: PlanApprovalRow) -> PlanVote:
    return PlanVote(
        plan_id=row.plan_id,
        submission=row.submission,
        approver=row.approver,
        approve=row.approve,
        comment=row.comment,
        at=row.at,
    )


def _row(session: Session, plan_id: str) -> PlanRow:
    row = session.get(PlanRow, plan_id)
    if row is None:
        raise NotFoundError(f"no plan with id '{plan_id}'; 'redline plan list' shows them")
    return row


def add_plan(session: Session, plan: Plan, *, actor: str) -> Plan:
    """Record a new plan as a draft (audited)."""
    body: dict[str, Any] = {k: v for k, v in plan.model_dump(mode="json").items() if k not in _COLUMNS}
    row = PlanRow(
        id=plan.id,
        title=plan.title,
        release_id=plan.release_id,
        status=PlanStatus.DRAFT.value,
        body=body,
        submission=0,
        created_by=plan.created_by,
    )
    session.add(row)
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="plan.create",
        subject=plan.id,
        payload={"title": plan.title, "threats": list(plan.threats), "playbooks": list(plan.playbooks)},
    )
    return _plan(row)


def get_plan(session: Session, plan_id: str) -> Plan:
    """A plan by id."""
    return _plan(_row(session, plan_id))


def list_plans(session: Session, *, status: PlanStatus | None = None) -> list[Plan]:
    """Plans, newest first."""
    query = select(PlanRow).order_by(PlanRow.created_at.desc(), PlanRow.id)
    if status is not None:
        query = query.where(PlanRow.status == status.value)
    return [_plan(r) for r in session.scalars(query)]


def move(session: Session, plan_id: str, new: PlanStatus, *, actor: str, note: str = "") -> Plan:
    """Change a plan's status along the allowed transitions (audited); submitting opens a new vote."""
    row = _row(session, plan_id)
    current = PlanStatus(row.status)
    check_plan_transition(current, new)
    row.status = new.value
    if new is PlanStatus.SUBMITTED:
        row.submission += 1
    audit.append(
        session,
        actor=actor,
        action="plan.status",
        subject=plan_id,
        payload={"from": current.value, "to": new.value, "submission": row.submission, "note": note},
    )
    session.flush()
    return _plan(row)


def add_vote(session: Session, plan_id: str, *, approver: str, approve: bool, comment: str = "") -> PlanVote:
    """Record one approver's vote on the plan's current submission (audited); one vote per approver."""
    row = _row(session, plan_id)
    vote = PlanApprovalRow(
        plan_id=plan_id, submission=row.submission, approver=approver, approve=approve, comment=comment
    )
    try:
        with session.begin_nested():
            session.add(vote)
    except IntegrityError:
        raise UsageError(
            f"{approver} has already voted on submission {row.submission} of {plan_id}"
        ) from None
    audit.append(
        session,
        actor=approver,
        action="plan.vote",
        subject=plan_id,
        payload={"submission": row.submission, "approve": approve, "comment": comment},
    )
    return _vote(vote)


def list_votes(session: Session, plan_id: str, *, submission: int | None = None) -> list[PlanVote]:
    """Votes on a plan (all submissions, or one), in the order they were cast."""
    query = select(PlanApprovalRow).where(PlanApprovalRow.plan_id == plan_id)
    if submission is not None:
        query = query.where(PlanApprovalRow.submission == submission)
    return [_vote(r) for r in session.scalars(query.order_by(PlanApprovalRow.id))]
