"""Monitoring runs: production samples ingested for a release, and the drift checks they produced."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from redline.core.drift import DriftReport
from redline.core.ids import new_id
from redline.store import audit
from redline.store.tables import MonitoringRunRow


class MonitoringRun(BaseModel):
    """A stored ingest of production samples."""

    model_config = ConfigDict(frozen=True)

    id: str
    release_id: str
    source: str
    samples: int
    drifted: bool
    reports: tuple[DriftReport, ...]
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
) -> MonitoringRun:
    """Record an ingest and its drift checks (audited)."""
    drifted = any(r.drifted for r in reports)
    serial: list[Any] = [r.model_dump(mode="json") for r in reports]
    row = MonitoringRunRow(
        id=new_id("mon"),
        release_id=release_id,
        source=source,
        samples=samples,
        drifted=drifted,
        reports=serial,
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


def list_runs(session: Session, *, release_id: str | None = None) -> list[MonitoringRun]:
    """Monitoring runs, newest first."""
    query = select(MonitoringRunRow).order_by(MonitoringRunRow.created_at.desc(), MonitoringRunRow.id)
    if release_id is not None:
        query = query.where(MonitoringRunRow.release_id == release_id)
    return [_run(r) for r in session.scalars(query)]
