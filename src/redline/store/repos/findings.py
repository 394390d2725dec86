"""The risk register: findings, their status history, comments, evidence, links and post-mortems."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from redline.core.errors import NotFoundError
from redline.core.register.findings import Finding, FindingStatus, check_transition
from redline.core.register.lessons import RESOLVED, LessonRecord
from redline.core.register.risk import Impact, Likelihood, RiskLevel
from redline.core.register.triage import EvidenceRecord, FindingDossier, FindingLink, Note, PostMortem
from redline.store import audit
from redline.store.tables import FindingNoteRow, FindingRow, ReleaseRow, SystemRow


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


def add_finding(
    session: Session,
    finding: Finding,
    *,
    actor: str,
    evidence: EvidenceRecord | None = None,
    exemplars: Sequence[str] = (),
    reason: str = "",
) -> Finding:
    """Record a new finding (audited), with the evidence that raised it."""
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
        details={
            "reason": reason,
            "evidence": [evidence.model_dump(mode="json")] if evidence else [],
            "exemplars": list(exemplars),
            "links": [],
            "postmortem": None,
        },
    )
    session.add(row)
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="finding.open",
        subject=finding.id,
        payload={
            "threat_id": finding.threat_id,
            "risk": finding.risk.value,
            "round_id": finding.round_id,
            "reason": reason,
        },
    )
    return _finding(row)


def get_finding(session: Session, finding_id: str) -> Finding:
    """A finding by id."""
    row = session.get(FindingRow, finding_id)
    if row is None:
        raise NotFoundError(f"no finding with id '{finding_id}'")
    return _finding(row)


def list_findings(
    session: Session,
    *,
    status: FindingStatus | None = None,
    release_id: str | None = None,
    statuses: Collection[FindingStatus] | None = None,
    release_ids: Collection[str] | None = None,
    threat_id: str | None = None,
) -> list[Finding]:
    """Findings, highest risk first."""
    query = select(FindingRow)
    if status is not None:
        query = query.where(FindingRow.status == status.value)
    if statuses is not None:
        query = query.where(FindingRow.status.in_([s.value for s in statuses]))
    if release_id is not None:
        query = query.where(FindingRow.release_id == release_id)
    if release_ids is not None:
        query = query.where(FindingRow.release_id.in_(list(release_ids)))
    if threat_id is not None:
        query = query.where(FindingRow.threat_id == threat_id)
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


def _row(session: Session, finding_id: str) -> FindingRow:
    row = session.get(FindingRow, finding_id)
    if row is None:
        raise NotFoundError(f"no finding with id '{finding_id}'; 'redline finding list' shows them")
    return row


def _patch(row: FindingRow, **changes: Any) -> None:
    row.details = {**(row.details or {}), **changes}  # a new dict, so the JSON column is marked dirty


def attach_evidence(
    session: Session,
    finding_id: str,
    record: EvidenceRecord,
    *,
    actor: str,
    exemplars: Sequence[str] = (),
    max_exemplars: int = 20,
) -> Finding:
    """Add evidence (and its failing-case texts) to a finding (audited)."""
    row = _row(session, finding_id)
    details = row.details or {}
    texts = list(details.get("exemplars", []))
    texts += [t for t in exemplars if t not in texts]
    _patch(
        row,
        evidence=[*details.get("evidence", []), record.model_dump(mode="json")],
        exemplars=texts[:max_exemplars],
    )
    audit.append(
        session,
        actor=actor,
        action="finding.evidence",
        subject=finding_id,
        payload={
            "round_id": record.round_id,
            "source": record.source,
            "failures": record.evidence.failures,
            "n": record.evidence.n,
        },
    )
    return _finding(row)


def assess(
    session: Session,
    finding_id: str,
    *,
    likelihood: Likelihood,
    impact: Impact,
    risk: RiskLevel,
    actor: str,
    why: str = "",
) -> Finding:
    """Record a new likelihood, impact and risk level for a finding (audited)."""
    row = _row(session, finding_id)
    before = row.risk
    row.likelihood, row.impact, row.risk = int(likelihood), int(impact), risk.value
    audit.append(
        session,
        actor=actor,
        action="finding.assess",
        subject=finding_id,
        payload={
            "from": before,
            "to": risk.value,
            "likelihood": int(likelihood),
            "impact": int(impact),
            "why": why,
        },
    )
    return _finding(row)


def triage(
    session: Session,
    finding_id: str,
    *,
    owner: str | None,
    effort: str | None,
    due: date | None,
    actor: str,
) -> Finding:
    """Set owner, effort estimate and due date (audited); None leaves a field as it is."""
    row = _row(session, finding_id)
    if owner is not None:
        row.owner = owner
    if effort is not None:
        row.effort = effort
    if due is not None:
        row.due = due.isoformat()
    audit.append(
        session,
        actor=actor,
        action="finding.triage",
        subject=finding_id,
        payload={"owner": row.owner, "effort": row.effort, "due": row.due},
    )
    return _finding(row)


def add_link(session: Session, finding_id: str, link: FindingLink, *, actor: str) -> None:
    """Link a finding to the design choice, component or ticket at fault (audited)."""
    row = _row(session, finding_id)
    _patch(row, links=[*(row.details or {}).get("links", []), link.model_dump(mode="json")])
    audit.append(
        session, actor=actor, action="finding.link", subject=finding_id, payload=link.model_dump(mode="json")
    )


def set_postmortem(session: Session, finding_id: str, postmortem: PostMortem, *, actor: str) -> None:
    """Record (or replace) a finding's post-mortem (audited)."""
    row = _row(session, finding_id)
    _patch(row, postmortem=postmortem.model_dump(mode="json"))
    audit.append(
        session,
        actor=actor,
        action="finding.postmortem",
        subject=finding_id,
        payload=postmortem.model_dump(mode="json"),
    )


_RESOLVED = frozenset(s.value for s in RESOLVED)
_STATUS_NOTE = re.compile(r"^(\w+) -> (\w+)\.")


def release_labels(session: Session) -> dict[str, str]:
    """Release id -> 'SYSTEM@VERSION', for every release."""
    query = select(ReleaseRow.id, ReleaseRow.version, SystemRow.name).join(
        SystemRow, SystemRow.id == ReleaseRow.system_id
    )
    return {rid: f"{system}@{version}" for rid, version, system in session.execute(query)}


def lesson_records(session: Session, *, release_id: str | None = None) -> list[LessonRecord]:
    """Every finding (of one release) with its release label, when it was last closed, and its
    post-mortem: what the lessons digest reads. Duplicates are left out."""
    query = select(FindingRow).where(FindingRow.status != FindingStatus.DUPLICATE.value)
    if release_id is not None:
        query = query.where(FindingRow.release_id == release_id)
    rows = list(session.scalars(query))
    labels = release_labels(session)
    closed_at: dict[str, datetime] = {}
    notes = select(FindingNoteRow).where(
        FindingNoteRow.kind == "status", FindingNoteRow.finding_id.in_([r.id for r in rows])
    )
    for note in session.scalars(notes.order_by(FindingNoteRow.id)):
        moved = _STATUS_NOTE.match(note.text)
        if moved and moved.group(2) in _RESOLVED:
            closed_at[note.finding_id] = note.at
    out = []
    for row in rows:
        pm = (row.details or {}).get("postmortem")
        out.append(
            LessonRecord(
                finding=_finding(row),
                release=labels.get(row.release_id) if row.release_id else None,
                closed_at=closed_at.get(row.id),
                postmortem=PostMortem.model_validate(pm) if pm else None,
            )
        )
    return out


def list_notes(session: Session, finding_id: str) -> list[Note]:
    """A finding's comments and status changes, oldest first."""
    rows = session.scalars(
        select(FindingNoteRow).where(FindingNoteRow.finding_id == finding_id).order_by(FindingNoteRow.id)
    )
    return [Note(author=r.author, kind=r.kind, text=r.text, at=r.at) for r in rows]


def exemplars(session: Session, finding_ids: Collection[str]) -> dict[str, list[str]]:
    """The failing-case texts kept with each finding, for matching new evidence against the register."""
    if not finding_ids:
        return {}
    rows = session.scalars(select(FindingRow).where(FindingRow.id.in_(list(finding_ids))))
    return {r.id: list((r.details or {}).get("exemplars", [])) for r in rows}


def dossier(session: Session, finding_id: str) -> FindingDossier:
    """Everything held about one finding."""
    row = _row(session, finding_id)
    details = row.details or {}
    pm = details.get("postmortem")
    return FindingDossier(
        finding=_finding(row),
        reason=details.get("reason", ""),
        evidence=tuple(EvidenceRecord.model_validate(e) for e in details.get("evidence", [])),
        exemplars=tuple(details.get("exemplars", [])),
        links=tuple(FindingLink.model_validate(link) for link in details.get("links", [])),
        postmortem=PostMortem.model_validate(pm) if pm else None,
        notes=tuple(list_notes(session, finding_id)),
    )
