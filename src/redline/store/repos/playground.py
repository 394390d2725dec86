"""Playground conversations: a tester's manual probe, its round and case, and what the tester recorded."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from redline.core.errors import NotFoundError
from redline.core.register.risk import Impact
from redline.store import audit
from redline.store.tables import PlaygroundSessionRow


class PlaygroundRecord(BaseModel):
    """A manual conversation and the tester's notes on it."""

    model_config = ConfigDict(frozen=True)

    id: str
    round_id: str = Field(description="The ad-hoc playground round its turns are stored in.")
    case_id: str
    tester: str
    system: str = Field(description="Configured system the tester talks to.")
    playbook: str | None = Field(default=None, description="Playbook whose manual steps guide the tester.")
    step: int = Field(default=0, description="Index of the current manual step in guided mode.")
    threat_ids: tuple[str, ...] = ()
    hypothesis: str = ""
    method: str = ""
    observation: str = ""
    severity: Impact | None = None
    status: str = "open"
    finding_id: str | None = None
    created_at: datetime | None = None


def _record(row: PlaygroundSessionRow) -> PlaygroundRecord:
    return PlaygroundRecord(
        id=row.id,
        round_id=row.round_id,
        case_id=row.case_id,
        tester=row.tester,
        system=row.system,
        playbook=row.playbook,
        step=row.step,
        threat_ids=tuple(row.threat_ids),
        hypothesis=row.hypothesis,
        method=row.method,
        observation=row.observation,
        severity=Impact(row.severity) if row.severity is not None else None,
        status=row.status,
        finding_id=row.finding_id,
        created_at=row.created_at,
    )


def _row(session: Session, playground_id: str) -> PlaygroundSessionRow:
    row = session.get(PlaygroundSessionRow, playground_id)
    if row is None:
        raise NotFoundError(f"no playground conversation with id '{playground_id}'")
    return row


def add(session: Session, record: PlaygroundRecord, *, actor: str) -> PlaygroundRecord:
    """Record a new conversation (audited)."""
    row = PlaygroundSessionRow(
        id=record.id,
        round_id=record.round_id,
        case_id=record.case_id,
        tester=record.tester,
        system=record.system,
        playbook=record.playbook,
        threat_ids=list(record.threat_ids),
    )
    session.add(row)
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="playground.start",
        subject=record.id,
        payload={"round_id": record.round_id, "system": record.system, "playbook": record.playbook},
    )
    return _record(row)


def get(session: Session, playground_id: str) -> PlaygroundRecord:
    """A conversation by id."""
    return _record(_row(session, playground_id))


def for_round(session: Session, round_id: str) -> PlaygroundRecord | None:
    """The conversation a playground round holds, if the round is one."""
    row = session.scalars(
        select(PlaygroundSessionRow).where(PlaygroundSessionRow.round_id == round_id)
    ).first()
    return _record(row) if row is not None else None


def list_records(session: Session, *, tester: str | None = None, limit: int = 100) -> list[PlaygroundRecord]:
    """Conversations, newest first; one tester's when `tester` is given."""
    query = select(PlaygroundSessionRow).order_by(PlaygroundSessionRow.created_at.desc()).limit(limit)
    if tester is not None:
        query = query.where(PlaygroundSessionRow.tester == tester)
    return [_record(r) for r in session.scalars(query)]


def note_turn(session: Session, playground_id: str, *, attempt_id: str, turn: int, actor: str) -> None:
    """Audit one turn sent to the target (its text is in the attempt, not in the log)."""
    _row(session, playground_id)
    audit.append(
        session,
        actor=actor,
        action="playground.turn",
        subject=playground_id,
        payload={"attempt_id": attempt_id, "turn": turn},
    )


def update(
    session: Session, playground_id: str, *, actor: str, action: str, **changes: Any
) -> PlaygroundRecord:
    """Change recorded fields (notes, step, status, finding) of a conversation (audited)."""
    row = _row(session, playground_id)
    for key, value in changes.items():
        setattr(row, key, int(value) if isinstance(value, Impact) else value)
    payload = {k: (int(v) if isinstance(v, Impact) else v) for k, v in changes.items()}
    audit.append(session, actor=actor, action=f"playground.{action}", subject=playground_id, payload=payload)
    return _record(row)
