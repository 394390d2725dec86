"""Multi-turn conversations: each turn stored as it completes; an interrupted one resumes turn by turn."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

from redline.core.runs.conversation import Conversation, ErrorKind, MessageRole
from redline.core.runs.rounds import Attempt, RoundStatus
from redline.engine.result import RoundResult
from redline.engine.round import run_round
from redline.engine.spec import Batching, Budget, Pacing, RoundSpec
from redline.store.repos import rounds as rounds_repo
from tests.integration.engine.conftest import Env
from tests.unit.engine.fakes import ComplianceScorer, FakeTarget, FollowUpStrategy, make_cases, reply_for

PACING = Pacing(concurrency=4, max_retries=1, backoff_base_s=0.001, backoff_max_s=0.001)


def _spec(target: Any, n: int, **changes: Any) -> RoundSpec:
    spec = RoundSpec(
        target=target,
        target_name="fake",
        cases=make_cases(n, turns=3),
        cases_source={"fake-multi": n},
        scorers=[ComplianceScorer()],
        strategies={FollowUpStrategy.name: FollowUpStrategy()},
        pacing=PACING,
        batching=Batching(attempts=8, ms=20, cases=8),
    )
    return replace(spec, **changes)


def _run(env: Env, spec: RoundSpec) -> RoundResult:
    return asyncio.run(run_round(spec, settings=env.settings, store=env.store))


def _attempts(env: Env, round_id: str) -> list[Attempt]:
    with env.store.session() as s:
        return rounds_repo.list_attempts(s, round_id)


def test_each_turn_is_an_attempt_carrying_the_whole_history(sqlite_env: Env) -> None:
    result = _run(sqlite_env, _spec(FakeTarget(), 6))
    attempts = _attempts(sqlite_env, result.round_id)
    assert result.attempts == 18 and len({(a.case_id, a.turn) for a in attempts}) == 18
    last = next(a for a in attempts if a.turn == 2)
    roles = [m.role for m in last.request.messages]
    assert roles == [MessageRole.USER, MessageRole.ASSISTANT] * 2 + [MessageRole.USER]
    first = next(a for a in attempts if a.case_id == last.case_id and a.turn == 0)
    assert last.request.messages[1].content == first.response.text
    assert last.request.messages[2].content.startswith("turn 1: tell me more about")
    assert last.response.text == reply_for(last.request)


def test_a_transport_error_ends_the_conversation_and_is_stored(sqlite_env: Env) -> None:
    target = FakeTarget(always=ErrorKind.SERVER_ERROR)
    result = _run(sqlite_env, _spec(target, 2))
    assert result.attempts == 2 and result.errors == {"server_error": 2}


def test_a_failing_strategy_is_recorded_on_the_turn_it_broke(sqlite_env: Env) -> None:
    class Broken(FollowUpStrategy):
        async def next_message(self, case: Any, history: Conversation, *, turn: int) -> str | None:
            if turn == 2:
                raise KeyError("attacker model unavailable")
            return await super().next_message(case, history, turn=turn)

    result = _run(sqlite_env, _spec(FakeTarget(), 2, strategies={FollowUpStrategy.name: Broken()}))
    assert result.attempts == 6 and result.errors == {"other": 2}
    broken = [a for a in _attempts(sqlite_env, result.round_id) if a.response.error]
    assert {a.turn for a in broken} == {2}
    assert "KeyError" in (broken[0].response.error_detail or "")


def test_an_interrupted_conversation_resumes_turn_by_turn_as_if_never_stopped(
    sqlite_env: Env, workspace: Any
) -> None:
    target = FakeTarget()
    stopped = _run(sqlite_env, _spec(target, 10, budget=Budget(max_requests=13)))
    assert stopped.status is RoundStatus.STOPPED and stopped.attempts == 13
    resumed = _run(sqlite_env, _spec(target, 10))
    assert resumed.round_id == stopped.round_id and resumed.status is RoundStatus.COMPLETED
    attempts = _attempts(sqlite_env, resumed.round_id)
    assert len(attempts) == len({(a.case_id, a.turn) for a in attempts}) == 30
    assert target.calls == 30  # no turn was sent twice

    # The same round run in one go produces the same conversations, turn for turn.
    fresh = _run(sqlite_env, _spec(FakeTarget(), 10, auto_resume=False, use_cache=False))
    again = {(a.case_id, a.turn): a.request for a in _attempts(sqlite_env, fresh.round_id)}
    assert again == {(a.case_id, a.turn): a.request for a in attempts}


def test_scripted_warm_up_turns_are_stored_but_not_scored(sqlite_env: Env) -> None:
    cases = [c.model_copy(update={"scored_from_turn": 2}) for c in make_cases(4, turns=3)]
    result = _run(sqlite_env, _spec(FakeTarget(), 4, cases=cases))
    with sqlite_env.store.session() as s:
        scored = {a for a, _ in rounds_repo.list_scores(s, result.round_id)}
    attempts = _attempts(sqlite_env, result.round_id)
    assert len(attempts) == 12 and {a.turn for a in attempts} == {0, 1, 2}
    assert {a.turn for a in attempts if a.id in scored} == {2}
    assert len(scored) == 4
