"""Mitigations of findings and the verification re-runs that check them."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from redline.core.errors import NotFoundError
from redline.core.ids import new_id
from redline.core.register.mitigations import (
    Mitigation,
    MitigationStatus,
    MitigationType,
    MitigationVote,
    VerificationOutcome,
)
from redline.core.register.verification import VerificationResult
from redline.store import audit
from redline.store.tables import FindingRow, MitigationRow, MitigationVoteRow, VerificationRow


class Verification(BaseModel):
    """A stored verification re-run."""

    model_config = ConfigDict(frozen=True)

    id: str
    finding_id: str
    mitigation_id: str | None = None
    release_id: str
    original_round_id: str
    round_id: str
    outcome: VerificationOutcome
    p_value: float
    result: VerificationResult
    actor: str
    created_at: datetime | None = None
    cases: int = Field(default=0, description="Original cases re-run.")
    fresh_round_id: str | None = Field(default=None, description="Round of the fresh variants, if run.")
    fresh_cases: int = Field(default=0, description="Fresh variants run.")
    variants: dict[str, int] = Field(
        default_factory=dict, description="Fresh variants by kind (held-out seeds, paraphrases, ...)."
    )


def _mitigation(row: MitigationRow) -> Mitigation:
    return Mitigation(
        id=row.id,
        finding_id=row.finding_id,
        type=MitigationType(row.type),
        description=row.description,
        owner=row.owner,
        status=MitigationStatus(row.status),
    )


def add_mitigation(
    session: Session,
    *,
    finding_id: str,
    type: MitigationType,
    description: str,
    owner: str | None,
    actor: str,
    status: MitigationStatus = MitigationStatus.PLANNED,
) -> Mitigation:
    """Record a mitigation for a finding (audited)."""
    if session.get(FindingRow, finding_id) is None:
        raise NotFoundError(f"no finding with id '{finding_id}'")
    row = MitigationRow(
        id=new_id("mit"),
        finding_id=finding_id,
        type=type.value,
        description=description,
        owner=owner,
        status=status.value,
    )
    session.add(row)
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="mitigation.add",
        subject=row.id,
        payload={"finding_id": finding_id, "type": type.value, "owner": owner, "status": status.value},
    )
    return _mitigation(row)


def get_mitigation(session: Session, mitigation_id: str) -> Mitigation:
    """A mitigation by id."""
    row = session.get(MitigationRow, mitigation_id)
    if row is None:
        raise NotFoundError(f"no mitigation with id '{mitigation_id}'")
    return _mitigation(row)


def list_mitigations(session: Session, *, finding_id: str | None = None) -> list[Mitigation]:
    """Mitigations, oldest first."""
    query = select(MitigationRow).order_by(MitigationRow.created_at, MitigationRow.id)
    if finding_id is not None:
        query = query.where(MitigationRow.finding_id == finding_id)
    return [_mitigation(r) for r in session.scalars(query)]


def set_status(
    session: Session, mitigation_id: str, status: MitigationStatus, *, actor: str, note: str = ""
) -> Mitigation:
    """Move a mitigation to a new status (audited)."""
    row = session.get(MitigationRow, mitigation_id)
    if row is None:
        raise NotFoundError(f"no mitigation with id '{mitigation_id}'")
    before = row.status
    row.status = status.value
    audit.append(
        session,
        actor=actor,
        action="mitigation.status",
        subject=mitigation_id,
        payload={"from": before, "to": status.value, "note": note},
    )
    return _mitigation(row)


def _verification(row: VerificationRow) -> Verification:
    return Verification(
        id=row.id,
        finding_id=row.finding_id,
        mitigation_id=row.mitigation_id,
        release_id=row.release_id,
        original_round_id=row.original_round_id,
        round_id=row.round_id,
        outcome=VerificationOutcome(row.outcome),
        p_value=row.p_value,
        result=VerificationResult.model_validate(row.details["result"]),
        actor=row.actor,
        created_at=row.created_at,
        cases=int(row.details.get("cases", 0)),
        fresh_round_id=row.fresh_round_id,
        fresh_cases=int(row.details.get("fresh_cases", 0)),
        variants={str(k): int(v) for k, v in (row.details.get("variants") or {}).items()},
    )


def add_verification(
    session: Session,
    *,
    finding_id: str,
    mitigation_id: str | None,
    release_id: str,
    original_round_id: str,
    round_id: str,
    result: VerificationResult,
    cases: int,
    actor: str,
    fresh_round_id: str | None = None,
    fresh_cases: int = 0,
    variants: dict[str, int] | None = None,
) -> Verification:
    """Record the outcome of a verification re-run (audited): the original cases and the fresh variants."""
    details: dict[str, object] = {"result": result.model_dump(mode="json"), "cases": cases}
    if fresh_round_id is not None:
        details.update(fresh_cases=fresh_cases, variants=dict(variants or {}))
    row = VerificationRow(
        id=new_id("ver"),
        finding_id=finding_id,
        mitigation_id=mitigation_id,
        release_id=release_id,
        original_round_id=original_round_id,
        round_id=round_id,
        fresh_round_id=fresh_round_id,
        outcome=result.outcome.value,
        p_value=result.p_value,
        details=details,
        actor=actor,
    )
    session.add(row)
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="finding.verify",
        subject=finding_id,
        payload={
            "verification_id": row.id,
            "outcome": result.outcome.value,
            "release_id": release_id,
            "round_id": round_id,
            "before": f"{result.before.failures}/{result.before.n}",
            "after": f"{result.after.failures}/{result.after.n}",
            "p_value": result.p_value,
            "fresh_round_id": fresh_round_id,
            "fresh": f"{result.fresh.after.failures}/{result.fresh.after.n}" if result.fresh else None,
        },
    )
    return _verification(row)


def list_verifications(session: Session, *, finding_id: str | None = None) -> list[Verification]:
    """Verification re-runs, oldest first."""
    query = select(VerificationRow).order_by(VerificationRow.created_at, VerificationRow.id)
    if finding_id is not None:
        query = query.where(VerificationRow.finding_id == finding_id)
    return [_verification(r) for r in session.scalars(query)]


def add_vote(
    session: Session, mitigation_id: str, *, voter: str, approve: bool, comment: str = ""
) -> MitigationVote:
    """Record a committee member's vote on authorising a mitigation (audited)."""
    if session.get(MitigationRow, mitigation_id) is None:
        raise NotFoundError(f"no mitigation with id '{mitigation_id}'")
    row = MitigationVoteRow(mitigation_id=mitigation_id, voter=voter, approve=approve, comment=comment)
    session.add(row)
    session.flush()
    audit.append(
        session,
        actor=voter,
        action="mitigation.vote",
        subject=mitigation_id,
        payload={"approve": approve, "comment": comment},
    )
    return MitigationVote(
        mitigation_id=mitigation_id, voter=voter, approve=approve, comment=comment, at=row.at
    )


def list_votes(session: Session, mitigation_id: str) -> list[MitigationVote]:
    """Votes on a mitigation, oldest first."""
    rows = session.scalars(
        select(MitigationVoteRow)
        .where(MitigationVoteRow.mitigation_id == mitigation_id)
        .order_by(MitigationVoteRow.id)
    )
    return [
        MitigationVote(
            mitigation_id=r.mitigation_id, voter=r.voter, approve=r.approve, comment=r.comment, at=r.at
        )
        for r in rows
    ]
