"""The risk register: findings, their status history and comments."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from redline.core.errors import NotFoundError
from redline.core.findings import Finding, FindingStatus, check_transition
from redline.core.risk import Impact, Likelihood, RiskLevel
from redline.store import audit
from redline.store.tables import FindingNoteRow, FindingRow


def _finding(row: FindingRow) -> Finding:
    return Finding(
        id=row.id,
        title=row.title,
        threat_id=row.threat_id,
        status=FindingStatus(row.status),
        likelihood=Likelihood(row.likelihood),
        impact=Impact(row.impact),
        risk=RiskLevel(row.risk),
        round_id=row.round_id,
        release_id=row.release_id,
        owner=row.owner,
        effort=row.effort,
        due=date.fromisoformat(row.due) if row.due else None,
        description=row.description,
        created_at=row.created_at,
    )


def add_finding(session: Session, finding: Finding, *, actor: str) -> Finding:
    """Record a new finding (audited)."""
    row = FindingRow(
        id=finding.id,
        title=finding.title,
        threat_id=finding.threat_id,
        status=finding.status.value,
        likelihood=int(finding.likelihood),
        impact=int(finding.impact),
        risk=finding.risk.value,
        round_id=finding.round_id,
        release_id=finding.release_id,
        owner=finding.owner,
        effort=finding.effort,
        due=finding.due.isoformat() if finding.due else None,
        description=finding.description,
    )
    session.add(row)
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="finding.open",
        subject=finding.id,
        payload={"threat_id": finding.threat_id, "risk": finding.risk.value, "round_id": finding.round_id},
    )
    return _finding(row)


def get_finding(session: Session, finding_id: str) -> Finding:
    """A finding by id."""
    row = session.get(FindingRow, finding_id)
    if row is None:
        raise NotFoundError(f"no finding with id '{finding_id}'")
    return _finding(row)


def list_findings(
    session: Session, *, status: FindingStatus | None = None, release_id: str | None = None
) -> list[Finding]:
    """Findings, highest risk first."""
    query = select(FindingRow)
    if status is not None:
        query = query.where(FindingRow.status == status.value)
    if release_id is not None:
        query = query.where(FindingRow.release_id == release_id)
    found = [_finding(r) for r in session.scalars(query)]
    return sorted(found, key=lambda f: (-f.risk.rank, f.id))


def move(session: Session, finding_id: str, new: FindingStatus, *, actor: str, note: str = "") -> Finding:
    """Change a finding's status along the allowed transitions (audited, with a status note)."""
    row = session.get(FindingRow, finding_id)
    if row is None:
        raise NotFoundError(f"no finding with id '{finding_id}'")
    current = FindingStatus(row.status)
    check_transition(current, new)
    row.status = new.value
    session.add(
        FindingNoteRow(
            finding_id=finding_id, author=actor, kind="status", text=f"{current} -> {new}. {note}".strip()
        )
    )
    audit.append(
        session,
        actor=actor,
        action="finding.status",
        subject=finding_id,
        payload={"from": current.value, "to": new.value, "note": note},
    )
    return _finding(row)


def comment(session: Session, finding_id: str, text: str, *, actor: str) -> None:
    """Add a comment to a finding (audited)."""
    if session.get(FindingRow, finding_id) is None:
        raise NotFoundError(f"no finding with id '{finding_id}'")
    session.add(FindingNoteRow(finding_id=finding_id, author=actor, kind="comment", text=text))
    audit.append(session, actor=actor, action="finding.comment", subject=finding_id, payload={"text": text})
