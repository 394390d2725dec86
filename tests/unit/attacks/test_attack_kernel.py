"""The attack-loop kernel: budget, judging, recording, finishing and resuming, for any algorithm."""

from __future__ import annotations

import random
from typing import Any

from pydantic import BaseModel

from redline.attacks.base import AttackerLoopTechnique, TechniqueKind
from redline.attacks.multi_turn.kernel import AttackerLoopBase, Exchanges, LoopParams, run_loop
from redline.attacks.multi_turn.records import AttackBudget, AttackTranscript, StopReason, TurnRecord
from redline.core.runs.cases import Seed
from redline.core.runs.conversation import Conversation
from redline.targets.base import Target
from redline.targets.echo import EchoRule, EchoTarget
from tests.unit.attacks.scripted import OBJECTIVE, KeywordJudge, run


async def numbered(ex: Exchanges, attacker: Target | None, seed: int) -> StopReason:
    """A minimal algorithm: 'attempt N' for every N not yet stored, up to max_turns; spends seed % 1000."""
    for n in range(len(ex.turns), ex.budget.max_turns):
        ex.charge()
        await ex.exchange(Conversation.of(f"attempt {n}"), stream="main", depth=n + 1, tokens=seed % 1000)
    return StopReason.TURNS


def numbered_loop(target: Target, budget: AttackBudget, **options: Any) -> AttackTranscript:
    """`numbered` run through the kernel against `target` with the keyword judge."""
    return run(run_loop("numbered", numbered, OBJECTIVE, target, None, KeywordJudge(), budget, **options))


def test_the_algorithm_ends_on_its_own_and_every_exchange_is_recorded_in_order() -> None:
    target, recorded = EchoTarget(reply="No."), list[TurnRecord]()
    tr = numbered_loop(target, AttackBudget(max_turns=3), recorder=recorded.append)
    assert tr.stop_reason is StopReason.TURNS and not tr.success and tr.technique == "numbered"
    assert list(tr.turns) == recorded and [t.index for t in recorded] == [0, 1, 2]
    assert [t.prompt for t in recorded] == [c.last_user_text for c in target.calls]
    assert [t.response for t in recorded] == ["No."] * 3 and all(t.score == 0.0 for t in recorded)
    assert tr.tokens_used == sum(t.tokens for t in recorded) > 0


def test_an_async_recorder_sees_each_turn_before_the_next_exchange() -> None:
    target = EchoTarget(reply="No.")
    seen: list[tuple[int, int]] = []

    async def recorder(turn: TurnRecord) -> None:
        seen.append((turn.index, len(target.calls)))

    numbered_loop(target, AttackBudget(max_turns=3), recorder=recorder)
    assert seen == [(0, 1), (1, 2), (2, 3)]


def test_a_judged_success_finishes_the_loop_at_once() -> None:
    target = EchoTarget(rules=[EchoRule(match="attempt 1", reply="RECIPE: flour")], reply="No.")
    tr = numbered_loop(target, AttackBudget(max_turns=5))
    assert tr.success and tr.stop_reason is StopReason.SUCCESS
    assert len(target.calls) == len(tr.turns) == 2 and tr.best_index == 1 and tr.best_score == 1.0


def test_the_token_budget_stops_before_the_next_exchange() -> None:
    target = EchoTarget(reply=" ".join(["word"] * 200))
    budget = AttackBudget(max_turns=20, max_tokens=300)
    tr = numbered_loop(target, budget, seed=10)
    assert tr.stop_reason is StopReason.TOKENS and 1 <= len(tr.turns) < 20
    assert sum(t.tokens for t in tr.turns[:-1]) < 300 <= tr.tokens_used
    assert all(t.tokens > 10 for t in tr.turns)  # what the algorithm spent before the exchange counts


def test_a_resumed_loop_continues_after_the_stored_turns_without_resending_them() -> None:
    first = numbered_loop(EchoTarget(reply="No."), AttackBudget(max_turns=2))
    target, recorded = EchoTarget(reply="No."), list[TurnRecord]()
    more = numbered_loop(target, AttackBudget(max_turns=4), recorder=recorded.append, resume=first)
    assert more.turns[:2] == first.turns and [t.index for t in recorded] == [2, 3]
    assert [c.last_user_text for c in target.calls] == ["attempt 2", "attempt 3"]


def test_a_resumed_loop_that_already_succeeded_sends_nothing() -> None:
    won = numbered_loop(EchoTarget(reply="RECIPE: flour"), AttackBudget(max_turns=3))
    target = EchoTarget(reply="No.")
    again = numbered_loop(target, AttackBudget(max_turns=3), resume=won)
    assert again.success and again.stop_reason is StopReason.SUCCESS and not target.calls
    assert again.turns == won.turns


def test_mark_adds_fields_that_depend_on_the_answer() -> None:
    async def marking(ex: Exchanges, attacker: Target | None, seed: int) -> StopReason:
        await ex.exchange(
            Conversation.of("hello"),
            stream="main",
            depth=1,
            mark=lambda response, value: {"backtracked": response.text == "No." and value < 0.5},
        )
        return StopReason.EXHAUSTED

    tr = run(
        run_loop("marking", marking, OBJECTIVE, EchoTarget(reply="No."), None, KeywordJudge(), AttackBudget())
    )
    assert tr.stop_reason is StopReason.EXHAUSTED and tr.turns[0].backtracked


def test_a_failed_exchange_is_recorded_with_its_error() -> None:
    target = EchoTarget(rules=[EchoRule(match="attempt", error="timeout")])
    tr = numbered_loop(target, AttackBudget(max_turns=1))
    assert tr.turns[0].error and tr.turns[0].response == ""


class Numbered(AttackerLoopBase):
    """A technique whose algorithm is `numbered`."""

    name = "numbered"
    threats = ("jailbreak.automated-search",)
    source = "test"

    async def algorithm(self, ex: Exchanges, attacker: Target | None, seed: int) -> StopReason:
        assert isinstance(ex.params, LoopParams)
        return await numbered(ex, attacker, seed)


def test_a_technique_on_the_base_gets_one_case_and_run_from_the_kernel() -> None:
    technique = Numbered()
    params: BaseModel = LoopParams(budget=AttackBudget(max_turns=2))
    (case,) = technique.expand(Seed(id="s1", text=OBJECTIVE), params, rng=random.Random(1))
    assert isinstance(technique, AttackerLoopTechnique) and technique.kind is TechniqueKind.ATTACKER_LOOP
    assert case.turns == 2 and case.objective == OBJECTIVE and case.conversation.last_user_text
    recorded: list[TurnRecord] = []
    tr = run(
        technique.run(
            case,
            target=EchoTarget(reply="No."),
            attacker=None,
            judge=KeywordJudge(),
            params=params,
            recorder=recorded.append,
        )
    )
    assert tr.technique == "numbered" and len(recorded) == len(tr.turns) == 2
    assert all(t.tokens >= (case.rng_seed or 0) % 1000 for t in recorded)  # the case's seed reached it
