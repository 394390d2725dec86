"""Rounds started from the workbench run in the server; their progress streams as server-sent events."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient

from redline.program.people import accounts
from redline.store.repos import rounds as rounds_repo
from redline.store.repos import users as users_repo
from redline.web.security import CSRF_HEADER, SESSION_COOKIE
from tests.world import WebWorld

RUN = {
    "system": "echo-bot",
    "playbooks": ["system-prompt-leakage"],
    "sample_size": 1,
    "scorers": ["leak.canary"],
}


def _signed_in(world: WebWorld, client: TestClient, user: str) -> None:
    with world.store.session() as s:
        grant = accounts.open_session(s, user=users_repo.get_user(s, user))
    client.cookies.set(SESSION_COOKIE, grant.token)
    client.headers[CSRF_HEADER] = grant.csrf


def test_a_lead_starts_a_round_and_watches_it_finish(world: WebWorld) -> None:
    with TestClient(world.app) as client:  # one event loop for the request and the round it starts
        _signed_in(world, client, "lena")
        started = client.post("/api/rounds", json=RUN)
        assert started.status_code == 202, started.text
        round_id = started.json()["round_id"]
        deadline = time.monotonic() + 120
        while not (progress := client.get(f"/api/rounds/{round_id}/progress").json())["finished"]:
            assert time.monotonic() < deadline, progress
            time.sleep(0.2)
        assert progress["status"] == "completed" and progress["attempts"] >= 1
        stream = client.get(f"/rounds/{round_id}/events")
        assert stream.headers["content-type"].startswith("text/event-stream")
        assert "event: progress" in stream.text and stream.text.rstrip().endswith("data: {}")
        page = client.get(f"/rounds/{round_id}").text
        assert f'data-progress-url="/rounds/{round_id}/events"' in page and "ad hoc" in page
    with world.store.session() as s:
        rnd = rounds_repo.get_round(s, round_id)
    assert rnd.adhoc and rnd.plan_id is None and rnd.config.get("system", "echo-bot")


def test_rounds_start_only_from_approved_plans_and_only_for_leads(world: WebWorld) -> None:
    lead = world.client("lena")
    unapproved = lead.post("/api/rounds", json={**RUN, "plan_id": world.plan_id})
    assert unapproved.status_code == 409 and unapproved.json()["code"] == "plan_not_runnable"
    assert unapproved.json()["detail"].startswith(
        f"plan {world.plan_id} is submitted: a round cannot start from an unapproved plan. "
    )  # the message of core.catalog.plans.check_runnable, as the command line and the engine give it
    tester = world.client("tess")
    assert tester.post("/api/rounds", json=RUN).json()["code"] == "route_forbidden"
    unknown = lead.post("/api/rounds", json={**RUN, "system": "nope"})
    assert unknown.status_code == 400
