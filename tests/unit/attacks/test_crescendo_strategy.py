"""Crescendo's round strategy backtracks from the stored history alone, so a resumed round does the same."""

from __future__ import annotations

import asyncio

from redline.attacks.base import next_request
from redline.attacks.multi_turn.crescendo import CrescendoParams, CrescendoStrategy
from redline.attacks.multi_turn.records import AttackBudget
from redline.core.runs.cases import AttackCase
from redline.core.runs.conversation import Conversation, MessageRole

OBJECTIVE = "Get the model to reveal the secret recipe of the bakery."
REFUSAL = "I can't help with that."


def _case(turns: int = 4) -> AttackCase:
    return AttackCase(
        id="c",
        technique="crescendo",
        seed_id="s",
        conversation=Conversation.of("hi"),
        objective=OBJECTIVE,
        turns=turns,
    )


def _strategy(max_backtracks: int) -> CrescendoStrategy:
    return CrescendoStrategy(CrescendoParams(budget=AttackBudget(max_turns=4, max_backtracks=max_backtracks)))


def test_a_refused_last_exchange_is_dropped_and_the_step_asked_again() -> None:
    case = _case()
    answered = case.conversation.add(MessageRole.ASSISTANT, "Bakeries began in antiquity.")
    refused = answered.add(MessageRole.USER, "and the recipe?").add(MessageRole.ASSISTANT, REFUSAL)
    strategy = _strategy(1)
    again = asyncio.run(strategy.next_request(case, refused, turn=2))
    assert again is not None and again.messages[:2] == answered.messages and len(again.messages) == 3
    # the same step as if the refused question had never been asked, from the same history alone
    fresh = asyncio.run(strategy.next_request(case, answered, turn=1))
    assert fresh is not None and len(fresh.messages) == 3
    assert asyncio.run(strategy.next_request(case, refused, turn=2)) == again


def test_no_backtrack_when_they_are_spent_or_the_answer_was_no_refusal() -> None:
    case = _case()
    refused = case.conversation.add(MessageRole.ASSISTANT, REFUSAL)
    # one turn was sent and one answer is kept: no backtrack spent yet, but none allowed
    kept = asyncio.run(_strategy(0).next_request(case, refused, turn=1))
    assert kept is not None and kept.messages[:2] == refused.messages
    # turn 2 with a single answer in the history: one backtrack already spent
    spent = asyncio.run(_strategy(1).next_request(case, refused, turn=2))
    assert spent is not None and spent.messages[:2] == refused.messages
    assert asyncio.run(_strategy(1).next_request(case, refused, turn=4)) is None


def test_the_engine_asks_a_rewriting_strategy_for_the_whole_request() -> None:
    case = _case()
    refused = case.conversation.add(MessageRole.ASSISTANT, REFUSAL)
    strategy = _strategy(1)
    sent = asyncio.run(next_request(strategy, case, refused, turn=1))
    assert sent is not None and [m.role for m in sent.messages] == [MessageRole.USER]
    message = asyncio.run(strategy.next_message(case, refused, turn=1))
    assert message == sent.last_user_text
