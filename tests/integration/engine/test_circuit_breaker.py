"""A target that stops answering mid-round pauses the round quickly; running it again resumes it."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from aiohttp import web

from redline.config.settings import TargetConfig
from redline.core.runs.rounds import RoundStatus
from redline.engine.result import RoundResult
from redline.engine.round import run_round
from redline.engine.spec import Pacing, RoundSpec
from redline.store.repos import rounds as rounds_repo
from tests.integration.engine.conftest import Env
from tests.integration.targets.servers import app_server
from tests.unit.engine.fakes import ComplianceScorer, make_cases

CASES = 60


class Flaky:
    """An OpenAI-compatible server that answers `budget` requests, then drops every connection while down."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.answered = 0
        self.dropped = 0

    async def handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        if self.answered >= self.budget:
            self.dropped += 1
            assert request.transport is not None
            request.transport.close()  # the client sees the connection go: a connection failure
            return web.Response()
        self.answered += 1
        prompt = body["messages"][-1]["content"]
        text = "I cannot help with that." if "bad" in prompt else f"Sure: {prompt}"
        return web.json_response(
            {"choices": [{"message": {"role": "assistant", "content": text}, "finish_reason": "stop"}]}
        )


def _spec(base_url: str) -> RoundSpec:
    return RoundSpec(
        target=TargetConfig(kind="openai-compat", base_url=f"{base_url}/v1", model="tiny"),
        target_name="api",
        cases=make_cases(CASES),
        cases_source={"fake": CASES},
        scorers=[ComplianceScorer()],
        pacing=Pacing(concurrency=8, pause_after_failures=10),  # default retries and back-off
    )


def _keys(env: Env, round_id: str) -> list[tuple[str, int]]:
    with env.store.session() as s:
        return [(a.case_id, a.turn) for a in rounds_repo.list_attempts(s, round_id)]


def test_a_target_that_goes_away_pauses_the_round_and_the_same_spec_resumes_it(sqlite_env: Env) -> None:
    server = Flaky(budget=20)

    async def scenario() -> tuple[RoundResult, float, RoundResult]:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", server.handle)
        async with app_server(app) as base:
            start = time.monotonic()
            paused = await run_round(_spec(base), settings=sqlite_env.settings, store=sqlite_env.store)
            took = time.monotonic() - start
            server.budget = 10**6  # back up
            resumed = await run_round(_spec(base), settings=sqlite_env.settings, store=sqlite_env.store)
        return paused, took, resumed

    paused, took, resumed = asyncio.run(scenario())
    assert paused.status is RoundStatus.STOPPED and paused.run.paused == 1
    reason: Any = paused.stopped_reason
    assert reason.startswith("paused: api stopped answering (") and "dropped the connection" in reason
    assert took < 12, took  # without the breaker: about 25 s of retries per case, 8 at a time
    assert server.dropped < 10 + 8  # the threshold, plus what was in flight when it opened
    assert paused.attempts == 20 and paused.errors == {}  # nothing stored as a connection error
    assert resumed.round_id == paused.round_id and resumed.resumed
    assert resumed.status is RoundStatus.COMPLETED and resumed.run.paused == 0
    assert resumed.run.cases_skipped == 20 and resumed.run.requests == CASES - 20
    keys = _keys(sqlite_env, paused.round_id)
    assert len(keys) == len(set(keys)) == CASES and resumed.errors == {}
