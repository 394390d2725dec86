"""The web app runs the workspace's schedules while it serves (as `redline serve` does), unless told not."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from redline.config.settings import ScheduleConfig, Settings
from redline.program.workbench import schedules
from redline.program.workspace import open_workspace_store
from redline.store.repos import schedules as schedules_repo
from redline.web.app import create_app


def _settings(workspace: Settings) -> Settings:
    job = ScheduleConfig(name="sweep", cron="*/5 * * * *", job="upkeep")
    return workspace.model_copy(update={"config": workspace.config.model_copy(update={"schedules": (job,)})})


@pytest.mark.parametrize("serving", [True, False])
def test_a_missed_firing_runs_inside_the_app_only_when_schedules_are_on(
    workspace: Settings, serving: bool
) -> None:
    settings = _settings(workspace)
    store = open_workspace_store(settings)
    long_ago = schedules_repo.utc(datetime.now(UTC) - timedelta(hours=3)).replace(minute=0, second=0)
    with store.session() as session:  # a firing recorded long ago: the ones since are due at start
        schedules_repo.claim(session, job="sweep", fire_time=long_ago, runner="old", now=long_ago)
    app = create_app(settings, store=store, embed=None, schedules=serving)
    with TestClient(app) as client:
        assert client.get("/intake").status_code == 200
        deadline = time.monotonic() + (10 if serving else 1.5)
        while time.monotonic() < deadline:
            with store.session() as session:
                fired = [r for r in schedules_repo.runs(session, "sweep") if r.fire_time > long_ago]
            if fired and fired[0].finished_at is not None:
                break
            time.sleep(0.1)
    store.dispose()
    if serving:
        (run,) = fired
        assert run.runner == schedules.runner_id() and run.status in {"ok", "failed"}
    else:
        assert fired == []
