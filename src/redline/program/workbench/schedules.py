"""Scheduled jobs: plans' rounds, monitoring runs and the upkeep sweep on cron schedules (APScheduler 3).

Each `schedules:` entry of `redline.yaml` becomes an APScheduler job with a cron trigger in its time
zone. Several processes may run the same schedules (`redline serve` and `redline schedule run`, or two
replicas): before a firing runs, its process inserts the row (job, fire time) into `schedule_runs`;
the row's primary key lets only one insert win, so each firing runs once. Fire times come from the
trigger, so every process computes the same ones.

Missed firings are coalesced: a process that starts after one or more firings were missed since the
job's last recorded run fires once, for the latest of them, and a job that falls behind while running
runs once for all it missed. A job that fails is logged in one line and recorded (status, reason); the
scheduler goes on.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.executors.base import BaseExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from pydantic import BaseModel, ConfigDict, Field

from redline.config.settings import ScheduleConfig, Settings
from redline.core.errors import NotFoundError, RedlineError, UsageError
from redline.store.repos import schedules as schedules_repo
from redline.store.repos.schedules import FAILED, OK, ScheduleRun
from redline.store.session import Store

log = logging.getLogger("redline.schedules")

JobFunction = Callable[[Store, Settings, ScheduleConfig], str]
"""What a job kind does; returns a one-line summary of what it did, raises on failure."""
TriggerFactory = Callable[[ScheduleConfig], BaseTrigger]


class ScheduleView(BaseModel):
    """A configured job, when it fires next and how its last firing went."""

    model_config = ConfigDict(frozen=True)

    name: str
    job: str = Field(description="round, monitor or upkeep.")
    cron: str
    timezone: str
    enabled: bool
    plan: str | None = None
    next_fire: datetime | None = Field(default=None, description="Next firing (None: disabled).")
    last_run: ScheduleRun | None = Field(default=None, description="The latest firing, by any process.")


def trigger(schedule: ScheduleConfig) -> CronTrigger:
    """The schedule's cron trigger, read in its time zone."""
    return CronTrigger.from_crontab(schedule.cron, timezone=ZoneInfo(schedule.timezone))


def runner_id() -> str:
    """This process, as runs record it."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _round_job(store: Store, settings: Settings, schedule: ScheduleConfig) -> str:
    """The plan's round, as `redline round run --plan` would run it, sent fresh (no cached answers)."""
    from dataclasses import replace

    from redline.core.runs.rounds import RoundStatus
    from redline.engine.round import run_round
    from redline.program.aio import run_sync
    from redline.program.catalog.plans import require_runnable
    from redline.program.workbench import runs

    plan_id = schedule.plan or ""
    with store.session() as session:
        plan = require_runnable(session, plan_id)
    system = schedule.system or plan.system
    if not system:
        raise UsageError(f"plan {plan_id} names no system; set 'system' on schedule '{schedule.name}'")
    request = runs.RunRequest(system=system, plan_id=plan_id)
    prepared, acting = runs.prepare(store, settings, request, user=schedule.user)
    spec = replace(prepared.spec, release_version=schedule.release or plan.release, use_cache=False)
    result = run_sync(run_round(spec, settings=acting, store=store))
    if result.status is not RoundStatus.COMPLETED:
        why = f" ({result.stopped_reason})" if result.stopped_reason else ""
        raise RedlineError(f"round {result.round_id} ended {result.status.value}{why}")
    return f"round {result.round_id}: {result.cases} cases, {result.attempts} attempts"


def _monitor_job(store: Store, settings: Settings, schedule: ScheduleConfig) -> str:
    """A monitoring run over the configured production sources."""
    from redline.program.register import monitoring

    done = monitoring.run_monitor(store, settings, release=None, user=schedule.user)
    return (
        f"monitoring run {done.run.id} on {done.release}: {len(done.findings)} findings, "
        f"{len(done.escalations)} escalations"
    )


def _upkeep_job(store: Store, settings: Settings, schedule: ScheduleConfig) -> str:
    """The upkeep sweep: stale decisions, expired risks, SLA breaches, escalations to close."""
    from redline.program.register import upkeep

    done = upkeep.run_upkeep(store, settings, now=None)
    return (
        f"upkeep: {len(done.expired)} risk acceptances expired, {len(done.raised)} escalations raised, "
        f"{len(done.closed)} closed, {len(done.reopened)} reopened"
    )


JOBS: Mapping[str, JobFunction] = {"round": _round_job, "monitor": _monitor_job, "upkeep": _upkeep_job}
"""What each job kind runs (the monitoring and upkeep programs are imported when a job fires)."""


def one_line(exc: BaseException) -> str:
    """A failure in one line: a Redline error's own words, anything else with its type."""
    text = str(exc) if isinstance(exc, RedlineError) else f"{type(exc).__name__}: {exc}"
    return " ".join(text.split())[:500] or type(exc).__name__


def fire(
    store: Store,
    settings: Settings,
    schedule: ScheduleConfig,
    *,
    fire_time: datetime,
    jobs: Mapping[str, JobFunction] | None = None,
    runner: str | None = None,
) -> ScheduleRun | None:
    """Run one firing of a job if this process wins its lease; None when another process took it.

    A failure is logged in one line and recorded; it is not raised (the scheduler goes on)."""
    who = runner or runner_id()
    when = schedules_repo.utc(fire_time).isoformat()
    try:
        with store.session() as session:
            won = schedules_repo.claim(
                session, job=schedule.name, fire_time=fire_time, runner=who, now=datetime.now(UTC)
            )
    except Exception as exc:  # the store is unreachable or busy: this firing is skipped, not the scheduler
        log.error(
            "schedule %s (%s) not run: the lease could not be taken: %s", schedule.name, when, one_line(exc)
        )
        return None
    if not won:
        log.info("schedule %s: the firing of %s runs in another process", schedule.name, when)
        return None
    function = (jobs or JOBS)[schedule.job]
    try:
        summary = function(store, settings, schedule)
        status, reason = OK, ""
        log.info("schedule %s (%s): %s", schedule.name, when, summary)
    except Exception as exc:  # any failure of one job is recorded; the scheduler must go on
        status, reason = FAILED, one_line(exc)
        log.error("schedule %s (%s) failed: %s", schedule.name, when, reason)
    with store.session() as session:
        schedules_repo.finish(
            session,
            job=schedule.name,
            fire_time=fire_time,
            status=status,
            reason=reason,
            now=datetime.now(UTC),
        )
        return schedules_repo.runs(session, schedule.name, limit=1)[0]


def _scheduled(
    store: Store,
    settings: Settings,
    schedule: ScheduleConfig,
    jobs: Mapping[str, JobFunction] | None = None,
    fire_time: datetime | None = None,
) -> ScheduleRun | None:
    """A firing handed over by the scheduler (its executor passes the scheduled time)."""
    return fire(store, settings, schedule, fire_time=fire_time or datetime.now(UTC), jobs=jobs)


def find(settings: Settings, name: str) -> ScheduleConfig:
    """The configured job of that name."""
    for schedule in settings.config.schedules:
        if schedule.name == name:
            return schedule
    known = ", ".join(s.name for s in settings.config.schedules) or "none"
    raise NotFoundError(f"no schedule named '{name}' in redline.yaml (known: {known})")


def run_once(
    store: Store,
    settings: Settings,
    name: str,
    *,
    jobs: Mapping[str, JobFunction] | None = None,
    now: datetime | None = None,
) -> ScheduleRun | None:
    """Fire a job now (disabled ones too), under the same lease as scheduled firings."""
    schedule = find(settings, name)
    return fire(store, settings, schedule, fire_time=schedules_repo.utc(now or datetime.now(UTC)), jobs=jobs)


def list_schedules(store: Store, settings: Settings, *, now: datetime | None = None) -> list[ScheduleView]:
    """Every configured job with its next firing and its last run."""
    when = now or datetime.now(UTC)
    with store.session() as session:
        last = schedules_repo.last_runs(session)
    views = []
    for schedule in settings.config.schedules:
        upcoming = trigger(schedule).get_next_fire_time(None, when) if schedule.enabled else None
        views.append(
            ScheduleView(
                name=schedule.name,
                job=schedule.job,
                cron=schedule.cron,
                timezone=schedule.timezone,
                enabled=schedule.enabled,
                plan=schedule.plan,
                next_fire=upcoming.astimezone(UTC) if upcoming is not None else None,
                last_run=last.get(schedule.name),
            )
        )
    return views


def missed_since(schedule_trigger: BaseTrigger, last: datetime | None, now: datetime) -> datetime | None:
    """The first firing after `last` if it is already due (the job then fires at once, coalesced)."""
    if last is None:
        return None  # a job never run starts from now
    due: datetime | None = schedule_trigger.get_next_fire_time(None, last + timedelta(seconds=1))
    return due if due is not None and due <= now else None


class _FiringExecutor(BaseExecutor):  # type: ignore[misc]
    """Runs a job's firing in a thread: the job function gets the firing's scheduled time.

    With coalescing the scheduler hands over one time, the latest due; it is the lease's key."""

    def __init__(self, max_workers: int = 4) -> None:
        super().__init__()
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="redline-schedule")

    def _do_submit_job(self, job: Any, run_times: Sequence[datetime]) -> None:
        def done(future: Future[Any]) -> None:
            exc = future.exception()
            if exc is not None:
                self._run_job_error(job.id, exc, exc.__traceback__)
            else:
                self._run_job_success(job.id, [])

        future = self._pool.submit(job.func, *job.args, fire_time=run_times[-1], **job.kwargs)
        future.add_done_callback(done)

    def shutdown(self, wait: bool = True) -> None:
        self._pool.shutdown(wait)


def build_scheduler(
    store: Store,
    settings: Settings,
    *,
    blocking: bool = False,
    jobs: Mapping[str, JobFunction] | None = None,
    triggers: TriggerFactory | None = None,
    now: datetime | None = None,
) -> BaseScheduler:
    """A scheduler (not started) with one job per enabled schedule; `triggers` replaces the cron
    triggers (tests fire every second)."""
    scheduler: BaseScheduler = (BlockingScheduler if blocking else BackgroundScheduler)(
        executors={"default": _FiringExecutor()},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        timezone=UTC,
    )
    when = now or datetime.now(UTC)
    with store.session() as session:
        last = schedules_repo.last_runs(session)
    for schedule in settings.config.schedules:
        if not schedule.enabled:
            continue
        schedule_trigger = triggers(schedule) if triggers is not None else trigger(schedule)
        previous = last.get(schedule.name)
        missed = missed_since(schedule_trigger, previous.fire_time if previous else None, when)
        options: dict[str, Any] = {"next_run_time": missed} if missed is not None else {}
        scheduler.add_job(
            _scheduled,
            trigger=schedule_trigger,
            args=(store, settings, schedule),
            kwargs={"jobs": jobs},
            id=schedule.name,
            name=f"{schedule.job}:{schedule.name}",
            **options,
        )
    return scheduler


def start_background(store: Store, settings: Settings) -> BaseScheduler | None:
    """Start the workspace's schedules in background threads (inside `redline serve`); None if none are
    enabled."""
    if not any(s.enabled for s in settings.config.schedules):
        return None
    scheduler = build_scheduler(store, settings)
    scheduler.start()
    log.info("schedules started: %s", ", ".join(job.id for job in scheduler.get_jobs()))
    return scheduler
