"""Crescendo: start harmless and escalate a little each turn, building on the model's own answers.

Russinovich, Salem and Eldan 2024, "Great, Now Write an Article About That: The Crescendo Multi-Turn
LLM Jailbreak Attack", arXiv:2404.01833. An attacker model writes each next message; without one, a
scripted ladder (general context, methods, detail, step-by-step, first-person guide) is used. In the
self-contained loop a refused turn is backtracked: removed from what the target sees and retried.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from redline.attacks.base import MultiTurnStrategy, TechniqueKind, make_case, rng_seed_of
from redline.attacks.multi_turn.judging import Judge, judge_response, judged_case, looks_like_refusal
from redline.attacks.multi_turn.prompts import (
    CRESCENDO_NEXT,
    CRESCENDO_RETRY,
    CRESCENDO_SYSTEM,
    crescendo_scripted,
    parse_attacker,
)
from redline.attacks.multi_turn.records import (
    AttackBudget,
    Recorder,
    StopReason,
    Transcript,
    TurnRecord,
    finish,
    record,
    tokens_of,
)
from redline.attacks.templating import TechniqueBase
from redline.core.cases import AttackCase, Seed
from redline.core.conversation import Conversation, GenerationParams, MessageRole
from redline.targets.base import Target

SOURCE = "Russinovich et al. 2024, The Crescendo Multi-Turn LLM Jailbreak Attack, arXiv:2404.01833"


class CrescendoParams(BaseModel):
    """Parameters of Crescendo."""

    model_config = ConfigDict(extra="forbid", frozen=True)

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
    """Crescendo as the engine drives it: the next message from the stored history alone, so it resumes."""

    name: ClassVar[str] = "crescendo"

    def __init__(self, params: CrescendoParams, *, attacker: Target | None = None) -> None:
        self.params = params
        self.attacker = attacker

    async def next_message(self, case: AttackCase, history: Conversation, *, turn: int) -> str | None:
        """The next escalation step, or None after the planned number of turns."""
        if turn >= case.turns:
            return None
        message, _, _ = await next_question(
            case.objective,
            history,
            turn=turn + 1,
            turns=case.turns,
            attacker=self.attacker,
            budget=self.params.budget,
            seed=(case.rng_seed or 0) + turn,
        )
        return message


async def run_crescendo(
    objective: str,
    target: Target,
    attacker: Target | None,
    judge: Judge,
    budget: AttackBudget,
    *,
    recorder: Recorder | None = None,
    resume: Transcript | None = None,
    seed: int = 0,
) -> Transcript:
    """Run Crescendo to success, to its turn budget or to its token budget; each turn goes to `recorder`."""
    turns: list[TurnRecord] = list(resume.turns) if resume else []
    history = Conversation()
    for t in turns:
        if not t.backtracked and t.error is None:
            history = history.add(MessageRole.USER, t.prompt).add(MessageRole.ASSISTANT, t.response)
    turn = max((t.depth for t in turns if not t.backtracked), default=0) + 1
    backtracks = sum(t.backtracked for t in turns)
    refused: str | None = None
    target_params = GenerationParams(temperature=0.0, max_tokens=budget.target_max_tokens)
    while turn <= budget.max_turns:
        if sum(t.tokens for t in turns) >= budget.max_tokens:
            return finish(
                "crescendo", objective, turns, threshold=budget.success_threshold, stop=StopReason.TOKENS
            )
        message, scripted, used = await next_question(
            objective,
            history,
            turn=turn,
            turns=budget.max_turns,
            attacker=attacker,
            budget=budget,
            refused=refused,
            seed=seed + len(turns),
        )
        sent = history.add(MessageRole.USER, message)
        response = await target.send(sent, params=target_params)
        value, rationale, judge_tokens = await judge_response(
            judge, judged_case("crescendo", objective, sent), response
        )
        back = (
            response.ok
            and value < budget.success_threshold
            and looks_like_refusal(response.text)
            and backtracks < budget.max_backtracks
        )
        rec = TurnRecord(
            index=len(turns),
            stream="main",
            depth=turn,
            prompt=message,
            response=response.text,
            score=value,
            rationale=rationale,
            attacker_fallback=scripted and attacker is not None,
            backtracked=back,
            tokens=used + tokens_of(message, response) + judge_tokens,
            error=None if response.ok else (response.error_detail or str(response.error)),
        )
        turns.append(rec)
        await record(recorder, rec)
        if back:
            backtracks += 1
            refused = message
            continue
        refused = None
        if response.ok:
            history = sent.add(MessageRole.ASSISTANT, response.text)
        if value >= budget.success_threshold:
            return finish(
                "crescendo", objective, turns, threshold=budget.success_threshold, stop=StopReason.SUCCESS
            )
        turn += 1
    return finish("crescendo", objective, turns, threshold=budget.success_threshold, stop=StopReason.TURNS)


class Crescendo(TechniqueBase):
    """Escalate gradually over several turns from a harmless related question to the objective."""

    name = "crescendo"
    kind = TechniqueKind.MULTI_TURN
    threats = ("jailbreak.multi-turn",)
    source = SOURCE
    Params: ClassVar[type[BaseModel]] = CrescendoParams

    def expand(self, seed: Seed, params: BaseModel, *, rng: random.Random) -> Iterator[AttackCase]:
        """One case: the first, harmless question; the strategy writes the rest turn by turn."""
        p = self.typed(params, CrescendoParams)
        first = crescendo_scripted(seed.text, 1, "")
        yield make_case(
            self, seed, Conversation.of(first), params=p, rng_seed=rng_seed_of(rng), turns=p.budget.max_turns
        )

    def strategy(
        self, params: BaseModel, *, attacker: Target | None = None, judge: Judge | None = None
    ) -> MultiTurnStrategy:
        """The strategy the engine drives (the judge is not needed: the engine scores every turn)."""
        return CrescendoStrategy(self.typed(params, CrescendoParams), attacker=attacker)

    async def run(
        self,
        case: AttackCase,
        *,
        target: Target,
        attacker: Target | None,
        judge: Judge,
        params: BaseModel,
        recorder: Recorder | None = None,
        resume: Transcript | None = None,
    ) -> Transcript:
        """The self-contained loop, with backtracking, for one case."""
        p = self.typed(params, CrescendoParams)
        return await run_crescendo(
            case.objective,
            target,
            attacker,
            judge,
            p.budget,
            recorder=recorder,
            resume=resume,
            seed=case.rng_seed or 0,
        )
