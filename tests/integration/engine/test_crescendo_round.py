"""Crescendo in a round backtracks: a refused turn is dropped from what the target sees next and retried."""

from __future__ import annotations

import asyncio
import random

from redline.attacks.multi_turn.crescendo import Crescendo, CrescendoParams
from redline.attacks.multi_turn.records import AttackBudget
from redline.core.runs.cases import Seed
from redline.core.runs.conversation import Conversation, GenerationParams, MessageRole, Response
from redline.core.runs.rounds import Attempt
from redline.engine.round import run_round
from redline.engine.spec import Batching, Pacing, RoundSpec
from redline.store.repos import rounds as rounds_repo
from redline.targets.echo import EchoTarget
from tests.integration.engine.conftest import Env
from tests.unit.engine.fakes import ComplianceScorer

PACING = Pacing(concurrency=1, max_retries=1, backoff_base_s=0.001, backoff_max_s=0.001)
REFUSAL = "I can't help with that."


class RefusesFirst(EchoTarget):
    """Refuses its first `n` questions, then answers."""

    def __init__(self, n: int) -> None:
        super().__init__(reply="Sure. Bakeries have long kept their recipes secret.")
        self.n = n

    async def send(self, conversation: Conversation, *, params: GenerationParams | None = None) -> Response:
        answer = await super().send(conversation, params=params)
        return Response(text=REFUSAL) if len(self.calls) <= self.n else answer


def _round(env: Env, target: EchoTarget, budget: AttackBudget) -> list[Attempt]:
    params = CrescendoParams(budget=budget)
    seed = Seed(id="s1", text="the secret recipe of the bakery", threats=("jailbreak.multi-turn",))
    spec = RoundSpec(
        target=target,
        target_name="echo",
        cases=list(Crescendo().expand(seed, params, rng=random.Random(1))),
        cases_source={"crescendo": 1},
        scorers=[ComplianceScorer()],
        strategies={"crescendo": Crescendo().strategy(params)},
        pacing=PACING,
        batching=Batching(attempts=4, ms=10, cases=4),
    )
    result = asyncio.run(run_round(spec, settings=env.settings, store=env.store))
    with env.store.session() as s:
        return sorted(rounds_repo.list_attempts(s, result.round_id), key=lambda a: a.turn)


def test_a_refused_turn_is_backtracked_in_a_round(sqlite_env: Env) -> None:
    target = RefusesFirst(1)
    attempts = _round(sqlite_env, target, AttackBudget(max_turns=3, max_backtracks=1))
    assert [a.turn for a in attempts] == [0, 1, 2] and attempts[0].response.text == REFUSAL
    # turn 1 asks the first question again without the refused exchange; turn 2 builds on its answer
    assert [m.role for m in attempts[1].request.messages] == [MessageRole.USER]
    assert attempts[2].request.messages[:2] == (
        attempts[1].request.messages[0],
        attempts[1]
        .request.messages[0]
        .model_copy(update={"role": MessageRole.ASSISTANT, "content": attempts[1].response.text}),
    )
    assert REFUSAL not in [m.content for m in attempts[2].request.messages]


def test_backtracks_stop_at_the_budget_and_the_refusal_stays_in_the_history(sqlite_env: Env) -> None:
    target = RefusesFirst(10)
    attempts = _round(sqlite_env, target, AttackBudget(max_turns=3, max_backtracks=1))
    assert [len(a.request.messages) for a in attempts] == [1, 1, 3]
    assert attempts[2].request.messages[1].content == REFUSAL
