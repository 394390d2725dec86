"""Anonymous concerns: the queue, each concern's thread, and the one-time links to raise one.

Nothing here stores who raised a concern or when beyond the UTC day. Handler steps are audited at
once, with the handler as actor. Reporter steps (a concern raised, a follow-up) are kept out of the
chain until a handler next acts: `flush_reporter_facts` then writes them, actor "anonymous", with
their day only, ordered by day and random id. See `redline.program.channels.concerns` for why.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from redline.core.errors import NotFoundError
from redline.store import audit
from redline.store.tables import ConcernLinkRow, ConcernMessageRow, ConcernRow

ANONYMOUS_ACTOR = "anonymous"
"""The actor of reporter-side events in the audit chain."""

REPORTER = "reporter"
RESPONSE = "response"
STATUS = "status"


class StoredConcern(BaseModel):
    """A concern as the store holds it: no reporter, no time finer than the day."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(description="Random id of the concern.")
    raised_on: date = Field(description="UTC day the concern was raised.")
    subject_kind: str
    reference: str = ""
    text: str
    status: str
    status_reason: str = ""
    updated_on: date = Field(description="UTC day of the last change.")


class StoredMessage(BaseModel):
    """One entry of a concern's thread."""

    model_config = ConfigDict(frozen=True)

    id: str
    concern_id: str
    position: int = Field(description="Order within this concern's thread, from 1.")
    kind: str = Field(description="'reporter', 'response' or 'status'.")
    handler: str | None = Field(default=None, description="The handler's name (never the reporter's).")
    role: str | None = Field(default=None, description="The role the handler answers as.")
    signed: bool = Field(default=False, description="Whether the handler chose to sign with their name.")
    status: str | None = Field(default=None, description="The new status, for a status change.")
    text: str = ""
    day: date


class StoredLink(BaseModel):
    """A one-time link, as admins see it (never its token)."""

    model_config = ConfigDict(frozen=True)

    id: str
    issued_by: str
    expires_at: datetime


def _concern(row: ConcernRow) -> StoredConcern:
    return StoredConcern(
        id=row.id,
        raised_on=date.fromisoformat(row.raised_on),
        subject_kind=row.subject_kind,
        reference=row.reference,
        text=row.text,
        status=row.status,
        status_reason=row.status_reason,
        updated_on=date.fromisoformat(row.updated_on),
    )


def _message(row: ConcernMessageRow) -> StoredMessage:
    return StoredMessage(
        id=row.id,
        concern_id=row.concern_id,
        position=row.position,
        kind=row.kind,
        handler=row.handler,
        role=row.role,
        signed=row.signed,
        status=row.status,
        text=row.text,
        day=date.fromisoformat(row.day),
    )


def _row(session: Session, concern_id: str) -> ConcernRow:
    row = session.get(ConcernRow, concern_id)
    if row is None:
        raise NotFoundError(f"no concern with id '{concern_id}'")
    return row


def add_concern(session: Session, record: StoredConcern, *, claim_hash: str) -> StoredConcern:
    """Store a new concern; not audited now (its fact joins the chain when a handler next acts)."""
    row = ConcernRow(
        id=record.id,
        raised_on=record.raised_on.isoformat(),
        subject_kind=record.subject_kind,
        reference=record.reference,
        text=record.text,
        status=record.status,
        status_reason="",
        updated_on=record.raised_on.isoformat(),
        claim_hash=claim_hash,
        audited=False,
    )
    session.add(row)
    session.flush()
    return _concern(row)


def get_concern(session: Session, concern_id: str) -> StoredConcern:
    """A concern by id."""
    return _concern(_row(session, concern_id))


def by_claim(session: Session, claim_hash: str) -> StoredConcern | None:
    """The concern a claim code's hash opens, or None."""
    row = session.scalars(select(ConcernRow).where(ConcernRow.claim_hash == claim_hash)).first()
    return None if row is None else _concern(row)


def list_concerns(session: Session, *, status: str | None = None, limit: int = 500) -> list[StoredConcern]:
    """Concerns, newest day first (ties in random-id order, which says nothing about time)."""
    query = select(ConcernRow).order_by(ConcernRow.raised_on.desc(), ConcernRow.id).limit(limit)
    if status is not None:
        query = query.where(ConcernRow.status == status)
    return [_concern(r) for r in session.scalars(query)]


def thread(session: Session, concern_id: str) -> list[StoredMessage]:
    """A concern's thread in order."""
    query = (
        select(ConcernMessageRow)
        .where(ConcernMessageRow.concern_id == concern_id)
        .order_by(ConcernMessageRow.position)
    )
    return [_message(r) for r in session.scalars(query)]


def add_message(session: Session, record: StoredMessage) -> StoredMessage:
    """Append an entry to a thread (its position is the next one); reporter entries wait for the chain."""
    _row(session, record.concern_id)
    last = session.scalar(
        select(func.max(ConcernMessageRow.position)).where(ConcernMessageRow.concern_id == record.concern_id)
    )
    row = ConcernMessageRow(
        id=record.id,
        concern_id=record.concern_id,
        position=int(last or 0) + 1,
        kind=record.kind,
        handler=record.handler,
        role=record.role,
        signed=record.signed,
        status=record.status,
        text=record.text,
        day=record.day.isoformat(),
        audited=record.kind != REPORTER,
    )
    session.add(row)
    session.flush()
    return _message(row)


def set_status(session: Session, concern_id: str, *, status: str, reason: str, day: date) -> StoredConcern:
    """Change a concern's status (the caller audits it, with the handler as actor)."""
    row = _row(session, concern_id)
    row.status, row.status_reason, row.updated_on = status, reason, day.isoformat()
    session.flush()
    return _concern(row)


def touch(session: Session, concern_id: str, *, day: date) -> None:
    """Record the day of the last change."""
    _row(session, concern_id).updated_on = day.isoformat()


def flush_reporter_facts(session: Session) -> int:
    """Write pending reporter-side facts to the audit chain as day-level events; returns how many.

    Called only when a handler acts, so the chain position of these events tells the handler's
    time, not the reporter's. Raises come before follow-ups; within each, by day then random id.
    """
    acting = audit.ACTING.set(None)  # the handler's token or OS user is no part of a reporter's fact
    try:
        return _flush_reporter_facts(session)
    finally:
        audit.ACTING.reset(acting)


def _flush_reporter_facts(session: Session) -> int:
    written = 0
    raised = session.scalars(
        select(ConcernRow).where(ConcernRow.audited.is_(False)).order_by(ConcernRow.raised_on, ConcernRow.id)
    ).all()
    for row in raised:
        audit.append(
            session,
            actor=ANONYMOUS_ACTOR,
            action="concern.raise",
            subject=row.id,
            payload={"day": row.raised_on, "subject_kind": row.subject_kind, "reference": row.reference},
        )
        row.audited = True
        written += 1
    follow_ups = session.scalars(
        select(ConcernMessageRow)
        .where(ConcernMessageRow.audited.is_(False))
        .order_by(ConcernMessageRow.day, ConcernMessageRow.id)
    ).all()
    for msg in follow_ups:
        audit.append(
            session,
            actor=ANONYMOUS_ACTOR,
            action="concern.follow_up",
            subject=msg.concern_id,
            payload={"day": msg.day, "message": msg.id},
        )
        msg.audited = True
        written += 1
    session.flush()
    return written


def add_link(
    session: Session, *, link_id: str, token_hash: str, issued_by: str, expires_at: datetime
) -> StoredLink:
    """Store a one-time link's hash (the caller audits the issue)."""
    row = ConcernLinkRow(id=link_id, token_hash=token_hash, issued_by=issued_by, expires_at=expires_at)
    session.add(row)
    session.flush()
    return StoredLink(id=row.id, issued_by=row.issued_by, expires_at=row.expires_at)


def find_link(session: Session, token_hash: str) -> StoredLink | None:
    """The link a token's hash names, or None."""
    row = session.scalars(select(ConcernLinkRow).where(ConcernLinkRow.token_hash == token_hash)).first()
    return None if row is None else StoredLink(id=row.id, issued_by=row.issued_by, expires_at=row.expires_at)


def use_link(session: Session, token_hash: str) -> bool:
    """Delete the link a token names (single use; nothing is left to tie it to a concern)."""
    result = session.execute(delete(ConcernLinkRow).where(ConcernLinkRow.token_hash == token_hash))
    return bool(getattr(result, "rowcount", 0))


def list_links(session: Session) -> list[StoredLink]:
    """Links not yet used, soonest to expire first."""
    rows = session.scalars(select(ConcernLinkRow).order_by(ConcernLinkRow.expires_at, ConcernLinkRow.id))
    return [StoredLink(id=r.id, issued_by=r.issued_by, expires_at=r.expires_at) for r in rows]


def purge_links(session: Session, *, now: datetime) -> int:
    """Delete expired links; returns how many."""
    result = session.execute(delete(ConcernLinkRow).where(ConcernLinkRow.expires_at <= now))
    return int(getattr(result, "rowcount", 0) or 0)
