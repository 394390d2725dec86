"""Firings of scheduled jobs: the lease one process takes on (job, fire time), and how each run ended."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from redline.store.tables import ScheduleRunRow

RUNNING = "running"
OK = "ok"
FAILED = "failed"


class ScheduleRun(BaseModel):
    """One firing of a job: who took it, how it ended, and why it failed."""

    model_config = ConfigDict(frozen=True)

    job: str
    fire_time: datetime = Field(description="When the schedule fired (UTC): the lease's key with the job.")
    runner: str = Field(description="The process that ran it (host:pid).")
    status: str = Field(description="running, ok or failed.")
    reason: str = Field(default="", description="Why it failed, in a line.")
    started_at: datetime
    finished_at: datetime | None = None


def utc(value: datetime) -> datetime:
    """`value` in UTC, to the second (SQLite keeps no offset: a naive time read back is UTC)."""
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).replace(microsecond=0)


def _run(row: ScheduleRunRow) -> ScheduleRun:
    return ScheduleRun(
        job=row.job,
        fire_time=utc(row.fire_time),
        runner=row.runner,
        status=row.status,
        reason=row.reason,
        started_at=utc(row.started_at),
        finished_at=utc(row.finished_at) if row.finished_at is not None else None,
    )


def claim(session: Session, *, job: str, fire_time: datetime, runner: str, now: datetime) -> bool:
    """Take the lease on one firing: True if this process inserted it, False if another one already did.

    The insert runs in a savepoint, so a lost race leaves the caller's transaction usable."""
    row = ScheduleRunRow(
        job=job, fire_time=utc(fire_time), runner=runner, status=RUNNING, reason="", started_at=now
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return False
    return True


def finish(
    session: Session, *, job: str, fire_time: datetime, status: str, reason: str, now: datetime
) -> None:
    """Record how a firing ended."""
    row = session.get(ScheduleRunRow, (job, utc(fire_time)))
    if row is not None:
        row.status, row.reason, row.finished_at = status, reason[:2000], now


def last_runs(session: Session) -> dict[str, ScheduleRun]:
    """The latest firing of each job."""
    latest = (
        select(ScheduleRunRow.job, func.max(ScheduleRunRow.fire_time).label("fire_time"))
        .group_by(ScheduleRunRow.job)
        .subquery()
    )
    query = select(ScheduleRunRow).join(
        latest,
        (ScheduleRunRow.job == latest.c.job) & (ScheduleRunRow.fire_time == latest.c.fire_time),
    )
    return {row.job: _run(row) for row in session.scalars(query)}


def runs(session: Session, job: str, *, limit: int = 50) -> list[ScheduleRun]:
    """A job's firings, newest first."""
    query = (
        select(ScheduleRunRow)
        .where(ScheduleRunRow.job == job)
        .order_by(ScheduleRunRow.fire_time.desc())
        .limit(limit)
    )
    return [_run(row) for row in session.scalars(query)]
