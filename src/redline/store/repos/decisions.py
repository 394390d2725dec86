"""Release gate decisions, committee sign-offs and escalations."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from redline.core.errors import NotFoundError
from redline.core.ids import new_id
from redline.core.register.policy import Decision, GateEvaluation, GateOutcome, GateReason
from redline.core.register.signoffs import Escalation, EscalationKind, SignOff, Vote
from redline.store import audit
from redline.store.tables import DecisionRow, EscalationRow, SignoffRow


def _decision(row: DecisionRow) -> Decision:
    return Decision(
        id=row.id,
        release_id=row.release_id,
        outcome=GateOutcome(row.outcome),
        reasons=tuple(GateReason.model_validate(r) for r in row.reasons),
        conditions=tuple(row.conditions),
        signed_by=tuple(row.signed_by),
        policy=row.policy,
        created_at=row.created_at,
    )


def record_decision(
    session: Session,
    *,
    release_id: str,
    evaluation: GateEvaluation,
    policy: str,
    signed_by: tuple[str, ...],
    details: dict[str, Any],
    actor: str,
) -> Decision:
    """Store a gate evaluation as a decision (audited with its outcome and failed criteria)."""
    row = DecisionRow(
        id=new_id("dec"),
        release_id=release_id,
        outcome=evaluation.outcome.value,
        reasons=[r.model_dump(mode="json") for r in evaluation.reasons],
        conditions=list(evaluation.conditions),
        signed_by=list(signed_by),
        policy=policy,
        details=details,
    )
    session.add(row)
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="gate.decide",
        subject=row.id,
        payload={
            "release_id": release_id,
            "outcome": evaluation.outcome.value,
            "policy": policy,
            "failed": [f"{r.criterion}:{r.subject}" for r in evaluation.failed],
            "signed_by": list(signed_by),
            "basis": details.get("basis", ""),
        },
    )
    return _decision(row)


def latest_decision(session: Session, release_id: str) -> Decision | None:
    """The newest decision recorded for a release."""
    row = session.scalars(
        select(DecisionRow)
        .where(DecisionRow.release_id == release_id)
        .order_by(DecisionRow.created_at.desc(), DecisionRow.id.desc())
        .limit(1)
    ).first()
    return _decision(row) if row else None


def list_decisions(session: Session, *, release_id: str | None = None) -> list[Decision]:
    """Decisions, newest first."""
    query = select(DecisionRow).order_by(DecisionRow.created_at.desc(), DecisionRow.id.desc())
    if release_id is not None:
        query = query.where(DecisionRow.release_id == release_id)
    return [_decision(r) for r in session.scalars(query)]


def get_decision(session: Session, decision_id: str) -> Decision:
    """A decision by id."""
    row = session.get(DecisionRow, decision_id)
    if row is None:
        raise NotFoundError(f"no decision with id '{decision_id}'")
    return _decision(row)


def add_signoff(session: Session, signoff: SignOff, *, actor: str) -> SignOff:
    """Store a committee member's vote (audited)."""
    row = SignoffRow(
        release_id=signoff.release_id,
        signer=signoff.signer,
        vote=signoff.vote.value,
        comment=signoff.comment,
        basis=signoff.basis,
        decision_id=signoff.decision_id,
    )
    session.add(row)
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="gate.sign",
        subject=signoff.release_id,
        payload={
            "signer": signoff.signer,
            "vote": signoff.vote.value,
            "comment": signoff.comment,
            "basis": signoff.basis,
            "decision_id": signoff.decision_id,
        },
    )
    return _signoff(row)


def _signoff(row: SignoffRow) -> SignOff:
    return SignOff(
        release_id=row.release_id,
        signer=row.signer,
        vote=Vote(row.vote),
        comment=row.comment,
        basis=row.basis,
        decision_id=row.decision_id,
        at=row.at,
    )


def list_signoffs(session: Session, release_id: str) -> list[SignOff]:
    """A release's votes in the order they were given."""
    rows = session.scalars(
        select(SignoffRow).where(SignoffRow.release_id == release_id).order_by(SignoffRow.id)
    )
    return [_signoff(r) for r in rows]


def _escalation(row: EscalationRow) -> Escalation:
    return Escalation(
        id=row.id,
        kind=EscalationKind(row.kind),
        subject=row.subject,
        release_id=row.release_id,
        summary=row.summary,
        details=row.details,
        resolved=row.resolved,
        created_at=row.created_at,
    )


def open_escalation(session: Session, *, kind: EscalationKind, subject: str) -> Escalation | None:
    """The unresolved escalation of this kind about this subject, if one is open."""
    row = session.scalars(
        select(EscalationRow).where(
            EscalationRow.kind == kind.value,
            EscalationRow.subject == subject,
            EscalationRow.resolved.is_(False),
        )
    ).first()
    return _escalation(row) if row else None


def add_escalation(
    session: Session,
    *,
    kind: EscalationKind,
    subject: str,
    summary: str,
    release_id: str | None,
    details: dict[str, Any],
    actor: str,
) -> Escalation:
    """Raise a matter to the committee (audited)."""
    row = EscalationRow(
        id=new_id("esc"),
        kind=kind.value,
        subject=subject,
        release_id=release_id,
        summary=summary,
        details=details,
    )
    session.add(row)
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="escalation.raise",
        subject=row.id,
        payload={"kind": kind.value, "about": subject, "release_id": release_id, "summary": summary},
    )
    return _escalation(row)


def resolve_escalation(session: Session, escalation_id: str, *, actor: str, note: str = "") -> Escalation:
    """Mark an escalation resolved (audited)."""
    row = session.get(EscalationRow, escalation_id)
    if row is None:
        raise NotFoundError(f"no escalation with id '{escalation_id}'")
    row.resolved = True
    audit.append(
        session, actor=actor, action="escalation.resolve", subject=escalation_id, payload={"note": note}
    )
    return _escalation(row)


def list_escalations(
    session: Session, *, release_id: str | None = None, unresolved: bool = False
) -> list[Escalation]:
    """Escalations, newest first."""
    query = select(EscalationRow).order_by(EscalationRow.created_at.desc(), EscalationRow.id)
    if release_id is not None:
        query = query.where(EscalationRow.release_id == release_id)
    if unresolved:
        query = query.where(EscalationRow.resolved.is_(False))
    return [_escalation(r) for r in session.scalars(query)]


def escalations_about(session: Session, *, kind: EscalationKind, subject: str) -> list[Escalation]:
    """Every escalation of this kind about this subject, open or resolved, oldest first."""
    rows = session.scalars(
        select(EscalationRow)
        .where(EscalationRow.kind == kind.value, EscalationRow.subject == subject)
        .order_by(EscalationRow.created_at, EscalationRow.id)
    )
    return [_escalation(r) for r in rows]


def settle_escalation(session: Session, escalation_id: str, *, actor: str, why: str) -> Escalation:
    """Close an escalation because its subject was resolved (audited); upkeep may reopen it."""
    row = session.get(EscalationRow, escalation_id)
    if row is None:
        raise NotFoundError(f"no escalation with id '{escalation_id}'")
    row.resolved = True
    row.details = {**(row.details or {}), "auto_closed": True, "closed_because": why}
    audit.append(
        session,
        actor=actor,
        action="escalation.resolve",
        subject=escalation_id,
        payload={"note": why, "automatic": True},
    )
    return _escalation(row)


def reopen_escalation(session: Session, escalation_id: str, *, actor: str, why: str) -> Escalation:
    """Open a closed escalation again because its subject regressed (audited)."""
    row = session.get(EscalationRow, escalation_id)
    if row is None:
        raise NotFoundError(f"no escalation with id '{escalation_id}'")
    row.resolved = False
    reopened = int((row.details or {}).get("reopened", 0)) + 1
    row.details = {**(row.details or {}), "auto_closed": False, "reopened": reopened, "reopened_because": why}
    audit.append(
        session, actor=actor, action="escalation.reopen", subject=escalation_id, payload={"why": why}
    )
    return _escalation(row)
