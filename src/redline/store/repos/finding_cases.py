"""Reproducible cases of findings raised outside rounds (playground, intake, monitoring)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from redline.core.errors import NotFoundError
from redline.core.ids import new_id
from redline.core.register.findings import CaseSource, CaseSpec, ReproducibleCase
from redline.core.runs.conversation import Conversation
from redline.store import audit
from redline.store.tables import FindingCaseRow


def _case(row: FindingCaseRow) -> ReproducibleCase:
    details = row.details or {}
    return ReproducibleCase(
        id=row.id,
        finding_id=row.finding_id,
        source=CaseSource(row.source),
        system=row.system,
        scorer=row.scorer,
        samples=row.samples,
        conversations=tuple(Conversation.model_validate(c) for c in details.get("conversations", [])),
        baseline_round_id=row.baseline_round_id,
        created_by=row.created_by,
        created_at=row.created_at,
    )


def add_case(
    session: Session, *, finding_id: str, spec: CaseSpec, source: CaseSource, actor: str
) -> ReproducibleCase:
    """Store a finding's reproducible case (audited)."""
    row = FindingCaseRow(
        id=new_id("fcase"),
        finding_id=finding_id,
        source=source.value,
        system=spec.system,
        scorer=spec.scorer,
        samples=spec.samples,
        details={"conversations": [c.model_dump(mode="json") for c in spec.conversations], "pending": {}},
        created_by=actor,
    )
    session.add(row)
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="finding.case",
        subject=finding_id,
        payload={
            "case_id": row.id,
            "source": source.value,
            "system": spec.system,
            "checker": spec.checker,
            "samples": spec.samples,
            "conversations": len(spec.conversations),
        },
    )
    return _case(row)


def _row(session: Session, finding_id: str) -> FindingCaseRow:
    row = session.scalar(select(FindingCaseRow).where(FindingCaseRow.finding_id == finding_id))
    if row is None:
        raise NotFoundError(f"finding {finding_id} has no reproducible case")
    return row


def find_case(session: Session, finding_id: str) -> ReproducibleCase | None:
    """A finding's reproducible case, if it has one."""
    row = session.scalar(select(FindingCaseRow).where(FindingCaseRow.finding_id == finding_id))
    return _case(row) if row is not None else None


def set_baseline(session: Session, finding_id: str, round_id: str, *, actor: str) -> ReproducibleCase:
    """Record the round of the case's answers on the failing release (audited)."""
    row = _row(session, finding_id)
    row.baseline_round_id = round_id
    audit.append(
        session,
        actor=actor,
        action="finding.case.baseline",
        subject=finding_id,
        payload={"round_id": round_id},
    )
    return _case(row)


def pending_rounds(session: Session, finding_id: str, release_id: str) -> tuple[str, str | None] | None:
    """The rounds (original case, fresh variants) of a verification on `release_id` still waiting for
    reviewers, if any."""
    found = (_row(session, finding_id).details or {}).get("pending", {}).get(release_id)
    if not found:
        return None
    return str(found["round"]), (str(found["fresh"]) if found.get("fresh") else None)


def set_pending(
    session: Session, finding_id: str, release_id: str, rounds: tuple[str, str | None] | None
) -> None:
    """Note (or, with None, clear) the rounds of a verification on `release_id` that wait for reviewers."""
    row = _row(session, finding_id)
    details = dict(row.details or {})
    pending = dict(details.get("pending", {}))
    if rounds is None:
        pending.pop(release_id, None)
    else:
        pending[release_id] = {"round": rounds[0], "fresh": rounds[1]}
    row.details = {**details, "pending": pending}  # a new dict, so the JSON column is marked dirty
