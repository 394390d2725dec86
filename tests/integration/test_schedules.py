"""Scheduled jobs on a real store: the lease runs each firing once, failures are recorded, missed firings
coalesce, and a plan's round runs through the program's round path."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.triggers.interval import IntervalTrigger

from redline.config.settings import ScheduleConfig, Settings, load_settings
from redline.core.people.users import Role
from redline.program.catalog import plans as plans_program
from redline.program.catalog.plans import PlanSpec
from redline.program.workbench import schedules
from redline.program.workspace import init_workspace, open_workspace_store
from redline.store.repos import rounds as rounds_repo
from redline.store.repos import schedules as schedules_repo
from redline.store.repos import systems as systems_repo
from redline.store.repos import users as users_repo
from redline.store.session import Store, open_store
from tests.onboarded import onboard


def _with(settings: Settings, *jobs: ScheduleConfig) -> Settings:
    return settings.model_copy(update={"config": settings.config.model_copy(update={"schedules": jobs})})


def _job(name: str = "sweep", cron: str = "0 2 * * *", **more: object) -> ScheduleConfig:
    return ScheduleConfig.model_validate({"name": name, "cron": cron, "job": "upkeep", **more})


class Recorder:
    """A job function that counts its calls (thread-safe) and can be made to fail."""

    def __init__(self, fail: str | None = None) -> None:
        self.calls: list[str] = []
        self.fail = fail
        self._lock = threading.Lock()

    def __call__(self, store: Store, settings: Settings, schedule: ScheduleConfig) -> str:
        with self._lock:
            self.calls.append(schedule.name)
        if self.fail:
            raise RuntimeError(self.fail)
        return "swept"


@pytest.fixture
def ws(workspace: Settings) -> Iterator[tuple[Settings, Store]]:
    settings = _with(workspace, _job())
    store = open_workspace_store(settings)
    yield settings, store
    store.dispose()


def test_a_firing_runs_once_and_its_run_is_recorded(ws: tuple[Settings, Store]) -> None:
    settings, store = ws
    job, recorder = settings.config.schedules[0], Recorder()
    at = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    first = schedules.fire(store, settings, job, fire_time=at, jobs={"upkeep": recorder}, runner="a:1")
    again = schedules.fire(store, settings, job, fire_time=at, jobs={"upkeep": recorder}, runner="b:2")
    assert first is not None and (first.status, first.runner, first.fire_time) == ("ok", "a:1", at)
    assert again is None and recorder.calls == ["sweep"]
    (view,) = schedules.list_schedules(store, settings, now=at + timedelta(minutes=1))
    assert view.last_run == first and view.next_fire == datetime(2026, 12, 2, 2, 0, tzinfo=UTC)


def test_a_failing_job_is_recorded_with_a_one_line_reason(
    ws: tuple[Settings, Store], caplog: pytest.LogCaptureFixture
) -> None:
    settings, store = ws
    recorder = Recorder(fail="the sweep broke\non two lines")
    done = schedules.run_once(store, settings, "sweep", jobs={"upkeep": recorder})
    assert done is not None and done.status == "failed"
    assert done.reason == "RuntimeError: the sweep broke on two lines"
    failed = [r for r in caplog.records if r.name == "redline.schedules" and r.levelname == "ERROR"]
    assert [r.getMessage().count("\n") for r in failed] == [0] and not any(r.exc_info for r in failed)
    assert schedules.list_schedules(store, settings)[0].last_run == done


def test_an_unknown_job_name_lists_the_known_ones(ws: tuple[Settings, Store]) -> None:
    settings, store = ws
    with pytest.raises(Exception, match=r"no schedule named 'nope' in redline.yaml \(known: sweep\)"):
        schedules.run_once(store, settings, "nope")


def _every_second(schedule: ScheduleConfig) -> IntervalTrigger:
    return IntervalTrigger(seconds=1, start_date=datetime(2026, 1, 1, tzinfo=UTC))


def test_two_schedulers_on_one_database_run_each_firing_once_and_go_on_after_failures(
    workspace: Settings,
) -> None:
    settings = _with(workspace, _job("ok"), _job("broken"))
    stores = [open_workspace_store(settings), open_workspace_store(settings)]
    fired: Counter[str] = Counter()
    lock = threading.Lock()

    def counting(store: Store, settings: Settings, schedule: ScheduleConfig) -> str:
        with lock:
            fired[schedule.name] += 1
        time.sleep(0.05)  # both processes reach the lease while the other is still running
        if schedule.name == "broken":
            raise RuntimeError("always fails")
        return "done"

    runners = [
        schedules.build_scheduler(store, settings, jobs={"upkeep": counting}, triggers=_every_second)
        for store in stores
    ]
    try:
        for runner in runners:
            runner.start()
        deadline = time.monotonic() + 30  # every second: three firings of each take about three seconds
        while min(fired["ok"], fired["broken"]) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        for runner in runners:
            runner.shutdown(wait=True)
    with stores[0].session() as session:
        ok, broken = schedules_repo.runs(session, "ok"), schedules_repo.runs(session, "broken")
    for store in stores:
        store.dispose()
    assert len(ok) >= 3 and len(broken) >= 3  # the broken job kept firing: the scheduler went on
    assert fired == {"ok": len(ok), "broken": len(broken)}  # one call per recorded (job, fire time)
    assert {r.status for r in ok} == {"ok"} and {r.reason for r in broken} == {"RuntimeError: always fails"}


def test_missed_firings_coalesce_into_one_run_at_start(ws: tuple[Settings, Store]) -> None:
    settings, store = ws
    job, recorder = settings.config.schedules[0], Recorder()
    now = datetime.now(UTC)
    latest = now.replace(hour=2, minute=0, second=0, microsecond=0)
    latest -= timedelta(days=1) if latest > now else timedelta(0)
    long_ago = latest - timedelta(days=3)  # three daily firings missed since
    assert schedules.fire(store, settings, job, fire_time=long_ago, jobs={"upkeep": Recorder()})
    runner = schedules.build_scheduler(store, settings, jobs={"upkeep": recorder})
    runner.start()
    try:
        deadline = time.monotonic() + 10
        while not recorder.calls and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)
    finally:
        runner.shutdown(wait=True)
    with store.session() as session:
        recorded = [r.fire_time for r in schedules_repo.runs(session, "sweep")]
    assert recorder.calls == ["sweep"] and recorded == [latest, long_ago]


def test_a_job_never_run_does_not_catch_up() -> None:
    trigger = _every_second(_job())
    assert schedules.missed_since(trigger, None, datetime.now(UTC)) is None


def test_the_lease_holds_across_two_stores_on_postgresql_and_sqlite(db_url: str) -> None:
    one, two = open_store(db_url), open_store(db_url)
    at = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    try:
        with one.session() as s:
            assert schedules_repo.claim(s, job="j", fire_time=at, runner="a", now=at)
        with two.session() as s:
            assert not schedules_repo.claim(s, job="j", fire_time=at, runner="b", now=at)
            assert schedules_repo.claim(s, job="j", fire_time=at + timedelta(minutes=1), runner="b", now=at)
        with one.session() as s:
            assert [r.runner for r in schedules_repo.runs(s, "j")] == ["b", "a"]
    finally:
        one.dispose()
        two.dispose()


FOLDER_SYSTEM = """  - name: echo-bot
    target:
      kind: echo
"""


def test_a_round_job_runs_the_approved_plans_round_as_its_account(tmp_path: Path) -> None:
    settings = init_workspace(tmp_path / "ws", name="sched", actor="test").settings
    text = settings.config_path.read_text(encoding="utf-8")
    settings.config_path.write_text(text.replace("systems:\n", "systems:\n" + FOLDER_SYSTEM, 1))
    settings = load_settings(tmp_path / "ws", env={}, actor="test")
    store = open_workspace_store(settings)
    try:
        with store.session() as s:
            users_repo.add_user(s, name="lena", roles={Role.LEAD}, actor="test")
            users_repo.add_user(s, name="cora", roles={Role.COMMITTEE}, actor="test")
        onboard(store, settings, "lena")
        with store.session() as s:
            spec = PlanSpec(
                title="nightly leak check",
                system="echo-bot",
                release="1.4",
                playbooks=("system-prompt-leakage",),
            )
            plan = plans_program.create_plan(s, spec, settings=settings, user="lena")
            plans_program.submit_plan(s, plan.id, user="lena")
        nightly = ScheduleConfig(name="nightly", cron="0 2 * * *", job="round", plan=plan.id, user="lena")
        settings = _with(settings, nightly)
        refused = schedules.run_once(store, settings, "nightly")
        assert refused is not None and refused.status == "failed"
        assert f"plan {plan.id} is submitted" in refused.reason
        with store.session() as s:
            plans_program.vote_on_plan(s, plan.id, user="cora", approve=True, settings=settings)
        done = schedules.run_once(store, settings, "nightly", now=datetime.now(UTC) + timedelta(seconds=2))
        assert done is not None and done.status == "ok", done
        with store.session() as s:
            (rnd,) = [r for r in rounds_repo.list_rounds(s) if r.plan_id == plan.id]
            release = rnd.release_id
            assert rnd.status.value == "completed" and release is not None
            assert systems_repo.get_release(s, release).version == "1.4"
    finally:
        store.dispose()


def test_upkeep_and_monitor_jobs_run_the_programs_sweep_and_monitoring_run(workspace: Settings) -> None:
    sweep = _job("sweep")
    watch = ScheduleConfig(name="watch", cron="*/10 * * * *", job="monitor")
    settings = _with(workspace, sweep, watch)
    store = open_workspace_store(settings)
    try:
        swept = schedules.run_once(store, settings, "sweep")
        watched = schedules.run_once(store, settings, "watch")
    finally:
        store.dispose()
    assert swept is not None and (swept.status, swept.reason) == ("ok", "")
    assert watched is not None and watched.status == "failed"
    assert watched.reason.startswith("no release to monitor")  # the monitoring run's own one-line error


def test_a_store_that_fails_skips_the_firing_in_one_line(
    workspace: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from sqlalchemy import create_engine

    settings = _with(workspace, _job())
    broken = Store(create_engine(f"sqlite:///{tmp_path / 'empty.db'}"))  # no tables: every write fails
    recorder = Recorder()
    try:
        assert schedules.run_once(broken, settings, "sweep", jobs={"upkeep": recorder}) is None
    finally:
        broken.dispose()
    assert recorder.calls == []
    (line,) = [r.getMessage() for r in caplog.records if r.name == "redline.schedules"]
    assert "not run: the lease could not be taken" in line and "\n" not in line
