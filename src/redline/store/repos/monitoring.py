"""Monitoring runs: production samples ingested for a release, the drift checks they produced, the
compact scores of each exchange (for later windows) and where each source was read up to."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from redline.core.analysis.drift import DriftReport, Window
from redline.core.errors import NotFoundError
from redline.core.ids import new_id
from redline.store import audit
from redline.store.tables import MonitorCursorRow, MonitorExchangeRow, MonitoringRunRow


class MonitoringRun(BaseModel):
    """A stored ingest of production samples."""

    model_config = ConfigDict(frozen=True)

    id: str
    release_id: str
    source: str
    samples: int
    drifted: bool
    reports: tuple[DriftReport, ...]
    details: dict[str, Any] = Field(
        default_factory=dict, description="`monitor run`: windows, new failure modes, findings, timings."
    )
    actor: str
    created_at: datetime | None = None


def _run(row: MonitoringRunRow) -> MonitoringRun:
    return MonitoringRun(
        id=row.id,
        release_id=row.release_id,
        source=row.source,
        samples=row.samples,
        drifted=row.drifted,
        reports=tuple(DriftReport.model_validate(r) for r in row.reports),
        details=row.details or {},
        actor=row.actor,
        created_at=row.created_at,
    )


def add_run(
    session: Session,
    *,
    release_id: str,
    source: str,
    samples: int,
    reports: list[DriftReport],
    actor: str,
    details: dict[str, Any] | None = None,
    run_id: str | None = None,
) -> MonitoringRun:
    """Record an ingest and its drift checks (audited)."""
    drifted = any(r.drifted for r in reports) or bool((details or {}).get("clusters"))
    serial: list[Any] = [r.model_dump(mode="json") for r in reports]
    row = MonitoringRunRow(
        id=run_id or new_id("mon"),
        release_id=release_id,
        source=source,
        samples=samples,
        drifted=drifted,
        reports=serial,
        details=details or {},
        actor=actor,
    )
    session.add(row)
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="monitor.ingest",
        subject=row.id,
        payload={
            "release_id": release_id,
            "source": source,
            "samples": samples,
            "drifted": [r.subject for r in reports if r.drifted],
        },
    )
    return _run(row)


def list_runs(
    session: Session, *, release_id: str | None = None, limit: int | None = None
) -> list[MonitoringRun]:
    """Monitoring runs, newest first."""
    query = select(MonitoringRunRow).order_by(MonitoringRunRow.created_at.desc(), MonitoringRunRow.id)
    if release_id is not None:
        query = query.where(MonitoringRunRow.release_id == release_id)
    if limit is not None:
        query = query.limit(limit)
    return [_run(r) for r in session.scalars(query)]


def get_run(session: Session, run_id: str) -> MonitoringRun:
    """One monitoring run by id."""
    row = session.get(MonitoringRunRow, run_id)
    if row is None:
        raise NotFoundError(f"no monitoring run with id '{run_id}'")
    return _run(row)


def get_cursor(session: Session, source: str) -> str | None:
    """Where `source` was read up to (None: from its beginning)."""
    row = session.get(MonitorCursorRow, source)
    return row.cursor if row is not None else None


def save_cursor(session: Session, source: str, cursor: str | None, *, run_id: str) -> None:
    """Record where `source` was read up to; call it in the session that records the run's exchanges."""
    row = session.get(MonitorCursorRow, source)
    if row is None:
        session.add(
            MonitorCursorRow(source=source, cursor=cursor, run_id=run_id, updated_at=datetime.now(UTC))
        )
    else:
        row.cursor, row.run_id, row.updated_at = cursor, run_id, datetime.now(UTC)
    session.flush()


def utc(at: datetime) -> datetime:
    """`at` in UTC (a naive value read back from SQLite is UTC already)."""
    return at.astimezone(UTC) if at.tzinfo is not None else at.replace(tzinfo=UTC)


def add_exchanges(session: Session, rows: Sequence[dict[str, Any]], *, chunk: int = 5000) -> None:
    """Bulk-insert scored exchanges: dicts with run_id, release_id, source, at, scores and vector."""
    for i in range(0, len(rows), chunk):
        session.execute(insert(MonitorExchangeRow), list(rows[i : i + chunk]))


def first_seen(session: Session, release_id: str) -> datetime | None:
    """When the release's earliest recorded production exchange was answered."""
    at = session.scalar(
        select(func.min(MonitorExchangeRow.at)).where(MonitorExchangeRow.release_id == release_id)
    )
    return utc(at) if at is not None else None


def _in(window: Window) -> list[Any]:
    clauses: list[Any] = [MonitorExchangeRow.at >= utc(window.start)]
    if window.end is not None:
        clauses.append(MonitorExchangeRow.at < utc(window.end))
    return clauses


def window_scores(
    session: Session, release_id: str, window: Window, *, limit: int = 100_000
) -> Iterator[dict[str, Any]]:
    """The compact scores of the release's exchanges answered in `window`; past `limit` of them, every
    k-th by row id (an even thinning that does not depend on the scores), so no more than `limit`."""
    where = (MonitorExchangeRow.release_id == release_id, *_in(window))
    count = int(session.scalar(select(func.count()).where(*where)) or 0)
    step = -(-count // limit) if count > limit else 1
    query = select(MonitorExchangeRow.scores).where(*where)
    if step > 1:
        query = query.where(MonitorExchangeRow.id % step == 0)
    yield from session.scalars(query.limit(limit).execution_options(yield_per=10_000))


def count_vectors(session: Session, release_id: str, window: Window) -> int:
    """How many of the release's exchanges in `window` have a stored answer embedding."""
    query = select(func.count()).where(
        MonitorExchangeRow.release_id == release_id, MonitorExchangeRow.vector.is_not(None), *_in(window)
    )
    return int(session.scalar(query) or 0)


def window_vectors(session: Session, release_id: str, window: Window, *, limit: int) -> list[bytes]:
    """Up to `limit` stored answer embeddings of the release's exchanges in `window`, oldest first."""
    query = (
        select(MonitorExchangeRow.vector)
        .where(
            MonitorExchangeRow.release_id == release_id, MonitorExchangeRow.vector.is_not(None), *_in(window)
        )
        .order_by(MonitorExchangeRow.id)
        .limit(limit)
    )
    return [v for v in session.scalars(query) if v is not None]
