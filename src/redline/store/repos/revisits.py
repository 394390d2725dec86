"""Risk acceptances with review dates, the checklist of a conditional go, and when findings reopened."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from redline.core.errors import NotFoundError, UsageError
from redline.core.ids import new_id
from redline.core.register.findings import Finding
from redline.core.register.policy import ConditionKind, ConditionSpec
from redline.core.register.revisits import ConditionReport, GateCondition, RiskAcceptance
from redline.store import audit
from redline.store.repos import findings as findings_repo
from redline.store.tables import (
    FindingNoteRow,
    GateConditionRow,
    MonitoringRunRow,
    ReleaseRow,
    RiskAcceptanceRow,
)

# --- risk acceptances ---------------------------------------------------------------------------------


def _acceptance(row: RiskAcceptanceRow) -> RiskAcceptance:
    return RiskAcceptance(
        id=row.id,
        finding_id=row.finding_id,
        review_by=date.fromisoformat(row.review_by),
        accepted_by=row.accepted_by,
        note=row.note,
        accepted_at=row.accepted_at,
        expired_at=row.expired_at,
    )


def add_acceptance(
    session: Session, *, finding_id: str, review_by: date, accepted_by: str, note: str
) -> RiskAcceptance:
    """Record an acceptance and its review date (audited)."""
    row = RiskAcceptanceRow(
        finding_id=finding_id, review_by=review_by.isoformat(), accepted_by=accepted_by, note=note
    )
    session.add(row)
    session.flush()
    audit.append(
        session,
        actor=accepted_by,
        action="finding.accept",
        subject=finding_id,
        payload={"review_by": review_by.isoformat(), "note": note},
    )
    return _acceptance(row)


def current_acceptances(
    session: Session, finding_ids: Collection[str] | None = None
) -> dict[str, RiskAcceptance]:
    """The latest acceptance of each finding (of `finding_ids`, or all)."""
    query = select(RiskAcceptanceRow).order_by(RiskAcceptanceRow.id)
    if finding_ids is not None:
        query = query.where(RiskAcceptanceRow.finding_id.in_(list(finding_ids)))
    return {r.finding_id: _acceptance(r) for r in session.scalars(query)}


def mark_expired(session: Session, acceptance_id: int, *, at: datetime, actor: str) -> RiskAcceptance:
    """Note that upkeep sent an acceptance's finding back to triage (audited)."""
    row = session.get(RiskAcceptanceRow, acceptance_id)
    if row is None:
        raise NotFoundError(f"no risk acceptance with id {acceptance_id}")
    row.expired_at = at
    audit.append(
        session,
        actor=actor,
        action="finding.acceptance_expired",
        subject=row.finding_id,
        payload={"review_by": row.review_by, "accepted_by": row.accepted_by},
    )
    return _acceptance(row)


# --- the checklist of a conditional go -------------------------------------------------------------------


def _condition(row: GateConditionRow) -> GateCondition:
    return GateCondition(
        id=row.id,
        release_id=row.release_id,
        decision_id=row.decision_id,
        key=row.key,
        kind=ConditionKind(row.kind),
        text=row.text,
        owner=row.owner,
        maximum=row.maximum,
        flag=row.flag,
        window_days=row.window_days,
        report=ConditionReport.model_validate(row.report) if row.report else None,
        created_at=row.created_at,
    )


def sync_conditions(
    session: Session,
    *,
    release_id: str,
    decision_id: str,
    specs: Sequence[ConditionSpec],
    owner: str | None,
    actor: str,
) -> list[GateCondition]:
    """Make the release's checklist carry every condition of a conditional go; reports are kept."""
    existing = {
        r.key: r
        for r in session.scalars(select(GateConditionRow).where(GateConditionRow.release_id == release_id))
    }
    for spec in specs:
        row = existing.get(spec.key)
        fields = {
            "text": spec.text,
            "maximum": spec.maximum,
            "flag": spec.flag,
            "window_days": spec.window_days,
        }
        if row is None:
            row = GateConditionRow(
                id=new_id("cnd"),
                release_id=release_id,
                decision_id=decision_id,
                key=spec.key,
                kind=spec.kind.value,
                owner=owner,
                **fields,
            )
            session.add(row)
            session.flush()
            audit.append(
                session,
                actor=actor,
                action="gate.condition.add",
                subject=row.id,
                payload={"release_id": release_id, "key": spec.key, "text": spec.text},
            )
            continue
        row.decision_id = decision_id
        for name, value in fields.items():
            setattr(row, name, value)
    session.flush()
    return list_conditions(session, release_id=release_id, keys=[s.key for s in specs])


def add_condition(
    session: Session, *, release_id: str, spec: ConditionSpec, owner: str | None, actor: str
) -> GateCondition:
    """Add one checklist item by hand (audited); a key already on the release is an error."""
    found = session.scalars(
        select(GateConditionRow).where(
            GateConditionRow.release_id == release_id, GateConditionRow.key == spec.key
        )
    ).first()
    if found is not None:
        raise UsageError(f"release already has the condition '{spec.text}' ({found.id})")
    row = GateConditionRow(
        id=new_id("cnd"),
        release_id=release_id,
        key=spec.key,
        kind=spec.kind.value,
        text=spec.text,
        owner=owner,
        maximum=spec.maximum,
        flag=spec.flag,
        window_days=spec.window_days,
    )
    session.add(row)
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="gate.condition.add",
        subject=row.id,
        payload={"release_id": release_id, "key": spec.key, "text": spec.text, "owner": owner},
    )
    return _condition(row)


def list_conditions(
    session: Session, *, release_id: str | None = None, keys: Collection[str] | None = None
) -> list[GateCondition]:
    """Checklist items, oldest first."""
    query = select(GateConditionRow).order_by(GateConditionRow.created_at, GateConditionRow.id)
    if release_id is not None:
        query = query.where(GateConditionRow.release_id == release_id)
    if keys is not None:
        query = query.where(GateConditionRow.key.in_(list(keys)))
    return [_condition(r) for r in session.scalars(query)]


def get_condition(session: Session, condition_id: str) -> GateCondition:
    """A checklist item by id."""
    row = session.get(GateConditionRow, condition_id)
    if row is None:
        raise NotFoundError(
            f"no gate condition with id '{condition_id}'; 'redline gate condition list' shows them"
        )
    return _condition(row)


def report_condition(
    session: Session, condition_id: str, report: ConditionReport, *, owner: str | None, actor: str
) -> GateCondition:
    """Record the latest report on a condition (and a new owner, when given), audited."""
    row = session.get(GateConditionRow, condition_id)
    if row is None:
        raise NotFoundError(
            f"no gate condition with id '{condition_id}'; 'redline gate condition list' shows them"
        )
    row.report = report.model_dump(mode="json")
    if owner is not None:
        row.owner = owner
    audit.append(
        session,
        actor=actor,
        action="gate.condition.report",
        subject=condition_id,
        payload={"release_id": row.release_id, "owner": row.owner, **report.model_dump(mode="json")},
    )
    return _condition(row)


EXPIRY_NOTE = "risk acceptance expired"
"""Marks the status note of a reopen that an expired acceptance caused (dated by its review date instead)."""


class DecisionInputs(BaseModel):
    """What revisiting a release's decision reads from the store."""

    model_config = ConfigDict(frozen=True)

    findings: tuple[Finding, ...]
    acceptances: dict[str, RiskAcceptance]
    opened_at: dict[str, datetime]
    conditions: tuple[GateCondition, ...]
    monitoring_runs: tuple[datetime, ...]


def decision_inputs(session: Session, release_id: str) -> DecisionInputs:
    """Findings of the release's system (as the gate counts them), acceptances, reopen times, checklist
    and monitoring runs of one release."""
    release = session.get(ReleaseRow, release_id)
    if release is None:
        raise NotFoundError(f"no release with id '{release_id}'")
    siblings = list(session.scalars(select(ReleaseRow.id).where(ReleaseRow.system_id == release.system_id)))
    found = findings_repo.list_findings(session, release_ids=siblings)
    ids = [f.id for f in found]
    notes = session.scalars(
        select(FindingNoteRow)
        .where(
            FindingNoteRow.finding_id.in_(ids),
            FindingNoteRow.kind == "status",
            FindingNoteRow.text.like("% -> reopened%"),
        )
        .order_by(FindingNoteRow.id)
    )
    reopened = {n.finding_id: n.at for n in notes if EXPIRY_NOTE not in n.text}
    runs = session.scalars(
        select(MonitoringRunRow.created_at).where(MonitoringRunRow.release_id == release_id)
    )
    return DecisionInputs(
        findings=tuple(found),
        acceptances=current_acceptances(session, ids),
        opened_at=reopened,
        conditions=tuple(list_conditions(session, release_id=release_id)),
        monitoring_runs=tuple(runs),
    )
