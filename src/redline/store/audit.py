"""The append-only, hash-chained audit log: every state change writes one event in the same transaction."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from redline.core.audit import (
    CHECKPOINT_ACTION,
    GENESIS_HASH,
    AuditCheckpoint,
    AuditEvent,
    ChainBreak,
    ChainVerifier,
    event_hash,
)
from redline.core.errors import AuditError
from redline.core.ids import canonical_json
from redline.core.secrets import redact_secrets
from redline.store.tables import AuditEventRow

_MAX_RACE_RETRIES = 20
ACTING: ContextVar[dict[str, str] | None] = ContextVar("redline_audit_acting", default=None)
"""How the actor acts, added to every event's payload while set: the API token's prefix for a request
made with a token, the OS user and account for a CLI command in a workspace that requires sign-in."""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def append(
    session: Session,
    *,
    actor: str,
    action: str,
    subject: str = "",
    payload: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event at the head of the chain; secrets in the payload are redacted first.

    Two writers racing for the same position both try the same `seq` (the primary key): the loser's
    savepoint rolls back and it retries on the new head, so the chain never forks.
    """
    acting = ACTING.get()
    clean = json.loads(canonical_json(redact_secrets({**(payload or {}), **(acting or {})})))
    for _ in range(_MAX_RACE_RETRIES):
        head = session.execute(
            select(AuditEventRow.seq, AuditEventRow.hash).order_by(AuditEventRow.seq.desc()).limit(1)
        ).first()
        seq, prev = (head[0] + 1, head[1]) if head else (1, GENESIS_HASH)
        at = _now()
        digest = event_hash(
            seq=seq, at=at, actor=actor, action=action, subject=subject, payload=clean, prev_hash=prev
        )
        row = AuditEventRow(
            seq=seq,
            at=at,
            actor=actor,
            action=action,
            subject=subject,
            payload=canonical_json(clean),
            prev_hash=prev,
            hash=digest,
        )
        try:
            with session.begin_nested():
                session.add(row)
        except IntegrityError:
            continue
        return _to_event(row)
    raise AuditError(f"could not append '{action}' to the audit log: too many concurrent writers")


def _to_event(row: AuditEventRow) -> AuditEvent:
    try:
        payload = json.loads(row.payload)
    except json.JSONDecodeError:
        payload = {"__unparseable__": row.payload}
    if not isinstance(payload, dict):
        payload = {"__not_a_mapping__": payload}
    return AuditEvent(
        seq=row.seq,
        at=row.at,
        actor=row.actor,
        action=row.action,
        subject=row.subject,
        payload=payload,
        prev_hash=row.prev_hash,
        hash=row.hash,
    )


def iter_events(session: Session, *, batch: int = 1000) -> Iterator[AuditEvent]:
    """Every event in chain order, read in batches."""
    last = 0
    while True:
        rows = session.scalars(
            select(AuditEventRow).where(AuditEventRow.seq > last).order_by(AuditEventRow.seq).limit(batch)
        ).all()
        if not rows:
            return
        for row in rows:
            yield _to_event(row)
        last = rows[-1].seq


def list_events(
    session: Session,
    *,
    limit: int = 100,
    action: str | None = None,
    actor: str | None = None,
    subject: str | None = None,
) -> list[AuditEvent]:
    """The newest events first, optionally filtered (action matches as a prefix)."""
    query = select(AuditEventRow).order_by(AuditEventRow.seq.desc()).limit(limit)
    if action:
        query = query.where(AuditEventRow.action.startswith(action))
    if actor:
        query = query.where(AuditEventRow.actor == actor)
    if subject:
        query = query.where(AuditEventRow.subject == subject)
    return [_to_event(r) for r in session.scalars(query)]


def count(session: Session) -> int:
    """Number of events in the log."""
    return int(session.scalar(select(func.count()).select_from(AuditEventRow)) or 0)


def verify(
    session: Session, *, batch: int = 1000, heads: dict[int, str] | None = None
) -> tuple[int, ChainBreak | None]:
    """Walk the whole chain; returns the number of events that verified and the first break, if any.

    `heads`, when given, maps sequence numbers to fill in with the hash of the verified event there.
    """
    verifier = ChainVerifier()
    for ev in iter_events(session, batch=batch):
        brk = verifier.feed(ev)
        if brk is not None:
            return verifier.checked, brk
        if heads is not None and ev.seq in heads:
            heads[ev.seq] = ev.hash
    return verifier.checked, None


def head(session: Session) -> tuple[int, str]:
    """The chain's last sequence number and hash ((0, GENESIS_HASH) for an empty log)."""
    row = session.execute(
        select(AuditEventRow.seq, AuditEventRow.hash).order_by(AuditEventRow.seq.desc()).limit(1)
    ).first()
    return (row[0], row[1]) if row else (0, GENESIS_HASH)


def latest_checkpoint(session: Session) -> AuditCheckpoint | None:
    """The newest checkpoint recorded in the chain (`audit.checkpoint` events), or None."""
    for event in list_events(session, limit=1, action=CHECKPOINT_ACTION):
        try:
            return AuditCheckpoint.model_validate(event.payload.get("checkpoint"))
        except ValueError:
            return None
    return None
