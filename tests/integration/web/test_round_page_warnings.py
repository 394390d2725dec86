"""A round started from the workbench keeps the warnings of building it (a playbook step whose scorer
is not installed) and its page shows them."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient

from redline.program.people import accounts
from redline.store.repos import rounds as rounds_repo
from redline.store.repos import users as users_repo
from redline.web.security import CSRF_HEADER, SESSION_COOKIE
from tests.world import WebWorld

PLAYBOOK = """name: half-built
title: Half built
objective: One step runs; the other names a scorer that is not installed.
threats: [ux.context-loss]
automated:
  - technique: context-retention
    seeds: constraint-scenarios
    sample_size: 1
    scorers: [refusal.phrases]
  - technique: context-retention
    seeds: constraint-scenarios
    sample_size: 1
    scorers: [no.such-scorer]
"""
SKIPPED = "step 'context-retention' (constraint-scenarios) skipped: scorer no.such-scorer is not installed"


def test_a_round_started_on_the_web_keeps_and_shows_its_warnings(world: WebWorld) -> None:
    (world.settings.workspace / "playbooks" / "half-built.yaml").write_text(PLAYBOOK, encoding="utf-8")
    with TestClient(world.app) as client:
        with world.store.session() as s:
            grant = accounts.open_session(s, user=users_repo.get_user(s, "lena"))
        client.cookies.set(SESSION_COOKIE, grant.token)
        client.headers[CSRF_HEADER] = grant.csrf
        started = client.post("/api/rounds", json={"system": "echo-bot", "playbooks": ["half-built"]})
        assert started.status_code == 202, started.text
        round_id = started.json()["round_id"]
        deadline = time.monotonic() + 120
        while not (progress := client.get(f"/api/rounds/{round_id}/progress").json())["finished"]:
            assert time.monotonic() < deadline, progress
            time.sleep(0.2)
        page = client.get(f"/rounds/{round_id}").text
        api = client.get(f"/api/rounds/{round_id}").json()
    assert api["round"]["config"]["warnings"] == [SKIPPED]
    with world.store.session() as s:
        assert rounds_repo.get_round(s, round_id).config["warnings"] == [SKIPPED]
    block = page.split('id="round-warnings"')[1].split("</div>")[0]
    assert "<h2>Warnings</h2>" in block and SKIPPED.replace("'", "&#39;") in block


def test_a_round_without_warnings_shows_no_warnings_block(world: WebWorld) -> None:
    from tests import world as data

    rid = data.stored_round(world.store, release_id=None, outcomes={"injection.direct": ["pass"]})
    page = world.client("tess").get(f"/rounds/{rid}")
    assert page.status_code == 200 and 'id="round-warnings"' not in page.text
