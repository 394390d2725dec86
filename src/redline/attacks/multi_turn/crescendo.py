"""Crescendo: start harmless and escalate a little each turn, building on the model's own answers.

Russinovich, Salem and Eldan 2024, "Great, Now Write an Article About That: The Crescendo Multi-Turn
LLM Jailbreak Attack", arXiv:2404.01833. An attacker model writes each next message; without one, a
scripted ladder (general context, methods, detail, step-by-step, first-person guide) is used. In the
self-contained loop a refused turn is backtracked: removed from what the target sees and retried.
"""

from __future__ import annotations

from functools import partial
from typing import Any, ClassVar

from pydantic import BaseModel, Field

from redline.attacks.base import MultiTurnStrategy, TechniqueKind
from redline.attacks.multi_turn.judging import Judge, looks_like_refusal
from redline.attacks.multi_turn.kernel import AttackerLoopBase, Exchanges, LoopParams, run_loop
from redline.attacks.multi_turn.prompts import (
    CRESCENDO_NEXT,
    CRESCENDO_RETRY,
    CRESCENDO_SYSTEM,
    crescendo_scripted,
    parse_attacker,
)
from redline.attacks.multi_turn.records import AttackBudget, StopReason, tokens_of
from redline.core.runs.cases import AttackCase, Seed
from redline.core.runs.conversation import Conversation, GenerationParams, MessageRole, Response
from redline.targets.base import Target

SOURCE = "Russinovich et al. 2024, The Crescendo Multi-Turn LLM Jailbreak Attack, arXiv:2404.01833"


class CrescendoParams(LoopParams):
    """Parameters of Crescendo."""

    budget: AttackBudget = Field(
        default_factory=lambda: AttackBudget(max_turns=5), description="Turns, tokens, backtracks."
    )


def _last_answer(history: Conversation) -> str:
    for msg in reversed(history.messages):
        if msg.role is MessageRole.ASSISTANT:
            return msg.content
    return ""


async def next_question(
    objective: str,
    history: Conversation,
    *,
    turn: int,
    turns: int,
    attacker: Target | None,
    budget: AttackBudget,
    refused: str | None = None,
    seed: int = 0,
) -> tuple[str, bool, int]:
    """The next user message, whether the scripted ladder was used, and the attacker tokens spent."""
    last = _last_answer(history)
    if attacker is None:
        return crescendo_scripted(objective, turn, last), True, 0
    ask = (
        CRESCENDO_RETRY.format(refused=refused[:400])
        if refused is not None
        else CRESCENDO_NEXT.format(turn=turn, turns=turns, response=last[:600] or "(none yet)")
    )
    convo = Conversation.of(ask, system=CRESCENDO_SYSTEM.format(objective=objective, turns=turns))
    params = GenerationParams(
        temperature=budget.attacker_temperature, max_tokens=budget.attacker_max_tokens, seed=seed
    )
    answer = await attacker.send(convo, params=params)
    message, _ = parse_attacker(answer.text) if answer.ok else ("", "")
    used = tokens_of(ask, answer)
    if not message:
        return crescendo_scripted(objective, turn, last), True, used
    return message, False, used


class CrescendoStrategy:
    """Crescendo as rounds drive it, from the stored history alone (so it resumes), with backtracking.

    When the target refused the last question and backtracks are left, that exchange is dropped from
    what the target sees next and the question is asked again differently (`next_request`); the
    backtracks so far are the turns sent minus the answers still in the history. In a round every
    sent turn, backtracked or not, counts against the case's turns.
    """

    name: ClassVar[str] = "crescendo"

    def __init__(self, params: CrescendoParams, *, attacker: Target | None = None) -> None:
        self.params = params
        self.attacker = attacker

    async def next_request(
        self, case: AttackCase, history: Conversation, *, turn: int
    ) -> Conversation | None:
        """The conversation for `turn`: the next escalation step, or a refused one retried without it."""
        if turn >= case.turns:
            return None
        answers = sum(m.role is MessageRole.ASSISTANT for m in history.messages)
        refused: str | None = None
        if (
            len(history.messages) >= 2
            and history.messages[-1].role is MessageRole.ASSISTANT
            and looks_like_refusal(history.messages[-1].content)
            and turn - answers < self.params.budget.max_backtracks
        ):
            refused = history.messages[-2].content
            history = Conversation(messages=history.messages[:-2])
            answers -= 1
        message, _, _ = await next_question(
            case.objective,
            history,
            turn=answers + 1,
            turns=case.turns,
            attacker=self.attacker,
            budget=self.params.budget,
            refused=refused,
            seed=(case.rng_seed or 0) + turn,
        )
        return history.add(MessageRole.USER, message)

    async def next_message(self, case: AttackCase, history: Conversation, *, turn: int) -> str | None:
        """The user message `next_request` ends with, or None after the planned number of turns."""
        request = await self.next_request(case, history, turn=turn)
        return None if request is None else request.last_user_text


def _backtrack(threshold: float, allowed: bool, response: Response, value: float) -> dict[str, Any]:
    """Whether a turn is backtracked: a refusal below the threshold while backtracks are left."""
    refused = response.ok and value < threshold and looks_like_refusal(response.text)
    return {"backtracked": allowed and refused}


async def crescendo_loop(ex: Exchanges, attacker: Target | None, seed: int) -> StopReason:
    """Crescendo to success or its turn budget; a refused turn is removed from the history and retried."""
    budget = ex.budget
    history = Conversation()
    for t in ex.turns:
        if not t.backtracked and t.error is None:
            history = history.add(MessageRole.USER, t.prompt).add(MessageRole.ASSISTANT, t.response)
    turn = max((t.depth for t in ex.turns if not t.backtracked), default=0) + 1
    backtracks = sum(t.backtracked for t in ex.turns)
    refused: str | None = None
    while turn <= budget.max_turns:
        ex.charge()
        message, scripted, used = await next_question(
            ex.objective,
            history,
            turn=turn,
            turns=budget.max_turns,
            attacker=attacker,
            budget=budget,
            refused=refused,
            seed=seed + len(ex.turns),
        )
        sent = history.add(MessageRole.USER, message)
        done = await ex.exchange(
            sent,
            tokens=used,
            mark=partial(_backtrack, budget.success_threshold, backtracks < budget.max_backtracks),
            stream="main",
            depth=turn,
            attacker_fallback=scripted and attacker is not None,
        )
        if done.backtracked:
            backtracks += 1
            refused = message
            continue
        refused = None
        if done.error is None:
            history = sent.add(MessageRole.ASSISTANT, done.response)
        turn += 1
    return StopReason.TURNS


run_crescendo = partial(run_loop, "crescendo", crescendo_loop)
"""The self-contained loop, with backtracking, for one objective (see `kernel.run_loop`)."""


class Crescendo(AttackerLoopBase):
    """Escalate gradually over several turns from a harmless related question to the objective."""

    name = "crescendo"
    kind = TechniqueKind.MULTI_TURN
    threats = ("jailbreak.multi-turn",)
    source = SOURCE
    Params: ClassVar[type[BaseModel]] = CrescendoParams

    def first_message(self, seed: Seed) -> str:
        """The first, harmless question; the strategy writes the rest turn by turn."""
        return crescendo_scripted(seed.text, 1, "")

    def strategy(
        self, params: BaseModel, *, attacker: Target | None = None, judge: Judge | None = None
    ) -> MultiTurnStrategy:
        """The strategy the engine drives (the judge is not needed: the engine scores every turn)."""
        return CrescendoStrategy(self.typed(params, CrescendoParams), attacker=attacker)

    async def algorithm(self, ex: Exchanges, attacker: Target | None, seed: int) -> StopReason:
        """The self-contained loop, with backtracking (`crescendo_loop`)."""
        return await crescendo_loop(ex, attacker, seed)
