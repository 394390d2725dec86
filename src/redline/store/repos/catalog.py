"""The threat catalog's history: revisions (change sets) and the threat versions they record."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from redline.core.catalog.threat_versions import (
    CatalogRevision,
    ChangeKind,
    RevisionKind,
    ThreatVersion,
    threat_hash,
)
from redline.core.errors import NotFoundError, StoreError
from redline.store import audit
from redline.store.tables import CatalogRevisionRow, ThreatVersionRow


@dataclass(frozen=True)
class PendingChange:
    """A threat state to record: its id, what happened, and the record (None when removed)."""

    threat_id: str
    change: ChangeKind
    content: dict[str, Any] | None


def _version(row: ThreatVersionRow, rev: CatalogRevisionRow) -> ThreatVersion:
    return ThreatVersion(
        threat_id=row.threat_id,
        version=row.version,
        revision=row.revision,
        change=ChangeKind(row.change),
        content=row.content,
        content_hash=row.content_hash,
        author=rev.author,
        reason=rev.reason,
        at=row.created_at,
    )


def _revision(row: CatalogRevisionRow, changes: dict[str, int]) -> CatalogRevision:
    return CatalogRevision(
        number=row.number,
        kind=RevisionKind(row.kind),
        author=row.author,
        reason=row.reason,
        changes=changes,
        at=row.created_at,
    )


def _joined(session: Session, *where: Any) -> list[ThreatVersion]:
    query = (
        select(ThreatVersionRow, CatalogRevisionRow)
        .join(CatalogRevisionRow, CatalogRevisionRow.number == ThreatVersionRow.revision)
        .where(*where)
        .order_by(ThreatVersionRow.threat_id, ThreatVersionRow.version)
    )
    return [_version(v, r) for v, r in session.execute(query).all()]


def latest_versions(session: Session, *, up_to_revision: int | None = None) -> dict[str, ThreatVersion]:
    """The newest recorded version of every threat (removed ones included), optionally as of a revision."""
    newest = select(ThreatVersionRow.threat_id, func.max(ThreatVersionRow.version).label("v"))
    if up_to_revision is not None:
        newest = newest.where(ThreatVersionRow.revision <= up_to_revision)
    sub = newest.group_by(ThreatVersionRow.threat_id).subquery()
    rows = _joined(
        session,
        ThreatVersionRow.threat_id == sub.c.threat_id,
        ThreatVersionRow.version == sub.c.v,
    )
    return {v.threat_id: v for v in rows}


def state_at(session: Session, revision: int | None = None) -> dict[str, dict[str, Any]]:
    """The catalog as recorded at a revision (default: the newest): threat id -> record."""
    if revision is not None and session.get(CatalogRevisionRow, revision) is None:
        raise NotFoundError(f"no catalog revision {revision}; 'redline catalog versions' lists them")
    return {
        tid: v.content
        for tid, v in latest_versions(session, up_to_revision=revision).items()
        if v.content is not None
    }


def record_revision(
    session: Session,
    *,
    kind: RevisionKind,
    author: str,
    reason: str,
    changes: Sequence[PendingChange],
) -> CatalogRevision:
    """Record a change set: a new version per changed threat; an audit event per version and for the set."""
    rev = CatalogRevisionRow(kind=kind.value, author=author, reason=reason)
    session.add(rev)
    session.flush()
    current = latest_versions(session)
    recorded: dict[str, int] = {}
    try:
        with session.begin_nested():
            for change in changes:
                before = current.get(change.threat_id)
                number = before.version + 1 if before else 1
                digest = threat_hash(change.content)
                session.add(
                    ThreatVersionRow(
                        threat_id=change.threat_id,
                        version=number,
                        revision=rev.number,
                        change=change.change.value,
                        content=change.content,
                        content_hash=digest,
                    )
                )
                recorded[change.threat_id] = number
                audit.append(
                    session,
                    actor=author,
                    action="catalog.version",
                    subject=change.threat_id,
                    payload={
                        "version": number,
                        "revision": rev.number,
                        "change": change.change.value,
                        "content_hash": digest,
                        "reason": reason,
                    },
                )
            session.flush()
    except IntegrityError:
        raise StoreError(
            "another catalog change was recorded at the same time; run the command again"
        ) from None
    audit.append(
        session,
        actor=author,
        action=f"catalog.{kind.value}",
        subject=f"r{rev.number}",
        payload={"reason": reason, "changes": recorded},
    )
    return _revision(rev, recorded)


def list_revisions(session: Session, *, limit: int = 100) -> list[CatalogRevision]:
    """Revisions, newest first, each with the versions it recorded."""
    revs = session.scalars(
        select(CatalogRevisionRow).order_by(CatalogRevisionRow.number.desc()).limit(limit)
    ).all()
    if not revs:
        return []
    numbers = [r.number for r in revs]
    pairs = session.execute(
        select(ThreatVersionRow.revision, ThreatVersionRow.threat_id, ThreatVersionRow.version).where(
            ThreatVersionRow.revision.in_(numbers)
        )
    ).all()
    changes: dict[int, dict[str, int]] = {n: {} for n in numbers}
    for number, threat_id, version in pairs:
        changes[number][threat_id] = version
    return [_revision(r, dict(sorted(changes[r.number].items()))) for r in revs]


def list_versions(session: Session, threat_id: str) -> list[ThreatVersion]:
    """Every recorded version of one threat, oldest first."""
    return _joined(session, ThreatVersionRow.threat_id == threat_id)


def get_version(session: Session, threat_id: str, version: int) -> ThreatVersion:
    """One version of one threat."""
    found = _joined(session, ThreatVersionRow.threat_id == threat_id, ThreatVersionRow.version == version)
    if not found:
        raise NotFoundError(
            f"no version {version} of threat '{threat_id}'; 'redline catalog versions {threat_id}' lists them"
        )
    return found[0]
