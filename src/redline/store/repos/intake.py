"""External submissions: the triage queue of reports from outside researchers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from redline.core.errors import NotFoundError
from redline.store import audit
from redline.store.tables import IntakeSubmissionRow


class StoredSubmission(BaseModel):
    """A submission as the store holds it; `body` is the report as the researcher sent it."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(description="Acknowledgement id given to the researcher.")
    received_at: datetime
    status: str
    category: str
    severity_claim: str
    title: str
    body: dict[str, Any]
    duplicate_of: str | None = None
    similarity: float | None = None
    match_method: str = "none"
    disclosure_due: date
    finding_id: str | None = None
    triaged_by: str | None = None
    note: str = ""
    reporter_note: str = Field(default="", description="Triage's words for the reporter (status page).")
    reporter_note_at: datetime | None = None


def _stored(row: IntakeSubmissionRow) -> StoredSubmission:
    return StoredSubmission(
        id=row.id,
        received_at=row.received_at,
        status=row.status,
        category=row.category,
        severity_claim=row.severity_claim,
        title=row.title,
        body=dict(row.body),
        duplicate_of=row.duplicate_of,
        similarity=row.similarity,
        match_method=row.match_method,
        disclosure_due=date.fromisoformat(row.disclosure_due),
        finding_id=row.finding_id,
        triaged_by=row.triaged_by,
        note=row.note,
        reporter_note=row.reporter_note or "",
        reporter_note_at=row.reporter_note_at,
    )


def add_submission(
    session: Session,
    record: StoredSubmission,
    *,
    client: str | None,
    actor: str,
    status_secret_hash: str | None = None,
) -> StoredSubmission:
    """Queue a submission (audited without the report's text, which may be harmful); only a hash of the
    reporter's status secret is kept."""
    row = IntakeSubmissionRow(
        id=record.id,
        received_at=record.received_at,
        status=record.status,
        category=record.category,
        severity_claim=record.severity_claim,
        title=record.title,
        body=record.body,
        client=client,
        duplicate_of=record.duplicate_of,
        similarity=record.similarity,
        match_method=record.match_method,
        disclosure_due=record.disclosure_due.isoformat(),
        status_secret_hash=status_secret_hash,
    )
    session.add(row)
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="intake.submit",
        subject=record.id,
        payload={
            "category": record.category,
            "severity_claim": record.severity_claim,
            "duplicate_of": record.duplicate_of,
            "disclosure_due": row.disclosure_due,
        },
    )
    return _stored(row)


INTAKE_LOCK_ID = 0x5245444C  # 'REDL': the advisory lock that serialises intake rate checks on PostgreSQL


def lock_submissions(session: Session) -> None:
    """Serialise rate checks and inserts across processes until the transaction ends (PostgreSQL's
    advisory lock; SQLite's single writer is taken by the first write, so a process lock suffices there)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": INTAKE_LOCK_ID})


def forget_clients(session: Session, *, before: datetime) -> int:
    """Clear the client hash of submissions received before `before` (their rate window has passed)."""
    query = (
        update(IntakeSubmissionRow)
        .where(IntakeSubmissionRow.client.is_not(None), IntakeSubmissionRow.received_at < before)
        .values(client=None)
    )
    return int(session.execute(query).rowcount or 0)  # type: ignore[attr-defined]


def count_since(session: Session, *, client: str, since: datetime) -> int:
    """Submissions from one client since a moment, for the rate limit."""
    query = select(func.count()).where(
        IntakeSubmissionRow.client == client, IntakeSubmissionRow.received_at >= since
    )
    return int(session.scalar(query) or 0)


def oldest_since(session: Session, *, client: str, since: datetime) -> datetime | None:
    """When the oldest submission in the window arrived (the window frees up from then on)."""
    query = select(func.min(IntakeSubmissionRow.received_at)).where(
        IntakeSubmissionRow.client == client, IntakeSubmissionRow.received_at >= since
    )
    return session.scalar(query)


def get_submission(session: Session, submission_id: str) -> StoredSubmission:
    """A submission by its acknowledgement id."""
    row = session.get(IntakeSubmissionRow, submission_id)
    if row is None:
        raise NotFoundError(f"no external submission with id '{submission_id}'")
    return _stored(row)


def status_secret_hash(session: Session, submission_id: str) -> str | None:
    """The stored hash of a submission's status secret; None for an unknown id or one without a secret."""
    row = session.get(IntakeSubmissionRow, submission_id)
    return row.status_secret_hash if row is not None else None


def reply(session: Session, submission_id: str, *, note: str, actor: str, at: datetime) -> StoredSubmission:
    """Set the words the reporter reads on their status page (audited)."""
    row = session.get(IntakeSubmissionRow, submission_id)
    if row is None:
        raise NotFoundError(f"no external submission with id '{submission_id}'")
    row.reporter_note, row.reporter_note_at = note, at
    audit.append(session, actor=actor, action="intake.reply", subject=submission_id, payload={"note": note})
    return _stored(row)


def list_submissions(
    session: Session, *, status: str | None = None, limit: int = 200
) -> list[StoredSubmission]:
    """Submissions, newest first."""
    query = select(IntakeSubmissionRow).order_by(IntakeSubmissionRow.received_at.desc()).limit(limit)
    if status is not None:
        query = query.where(IntakeSubmissionRow.status == status)
    return [_stored(r) for r in session.scalars(query)]


def decide(
    session: Session,
    submission_id: str,
    *,
    status: str,
    actor: str,
    note: str = "",
    finding_id: str | None = None,
    duplicate_of: str | None = None,
) -> StoredSubmission:
    """Record the triage decision on a submission (audited)."""
    row = session.get(IntakeSubmissionRow, submission_id)
    if row is None:
        raise NotFoundError(f"no external submission with id '{submission_id}'")
    before = row.status
    row.status, row.triaged_by, row.note = status, actor, note
    if finding_id is not None:
        row.finding_id = finding_id
    if duplicate_of is not None:
        row.duplicate_of = duplicate_of
    audit.append(
        session,
        actor=actor,
        action="intake.triage",
        subject=submission_id,
        payload={
            "from": before,
            "to": status,
            "finding_id": row.finding_id,
            "duplicate_of": row.duplicate_of,
            "note": note,
        },
    )
    return _stored(row)
