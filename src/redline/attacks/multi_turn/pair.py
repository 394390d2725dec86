"""PAIR: an attacker model rewrites its prompt after each target answer and judge score.

Chao et al. 2023, "Jailbreaking Black Box Large Language Models in Twenty Queries" (PAIR),
arXiv:2310.08419. `run_pair` is the paper's loop (parallel streams, each refining a single-turn
prompt); `PairChatStrategy` is a conversational variant the engine can drive turn by turn, where the
refined prompt is sent as the next user message of the same conversation.
"""

from __future__ import annotations

import json
import random
from functools import partial
from typing import ClassVar

from pydantic import BaseModel, Field

from redline.attacks.base import MultiTurnStrategy
from redline.attacks.multi_turn.judging import Judge, judge_response, judged_case
from redline.attacks.multi_turn.kernel import AttackerLoopBase, Exchanges, LoopParams, run_loop
from redline.attacks.multi_turn.prompts import PAIR_FEEDBACK, PAIR_START, pair_system, parse_attacker, reframe
from redline.attacks.multi_turn.records import AttackBudget, StopReason, TurnRecord, tokens_of
from redline.core.runs.cases import AttackCase
from redline.core.runs.conversation import Conversation, GenerationParams, MessageRole, Response
from redline.targets.base import Target

SOURCE = (
    "Chao et al. 2023, Jailbreaking Black Box Large Language Models in Twenty Queries (PAIR), "
    "arXiv:2310.08419"
)
HISTORY_KEEP = 2  # attacker sees its last two attempts: small attacker models have short contexts


class PairParams(LoopParams):
    """Parameters of PAIR."""

    budget: AttackBudget = Field(
        default_factory=lambda: AttackBudget(max_turns=3, max_branches=2),
        description="max_branches streams x max_turns refinements, and a token cap.",
    )


async def propose(
    attacker: Target | None,
    convo: Conversation,
    objective: str,
    budget: AttackBudget,
    *,
    seed: int,
) -> tuple[str, str, bool, str, int]:
    """(prompt, improvement, fallback used, raw attacker text, tokens) for the next attempt."""
    if attacker is None:
        return reframe(objective, random.Random(seed)), "", True, "", 0
    params = GenerationParams(
        temperature=budget.attacker_temperature, max_tokens=budget.attacker_max_tokens, seed=seed
    )
    answer = await attacker.send(_trim(convo), params=params)
    prompt, improvement = parse_attacker(answer.text) if answer.ok else ("", "")
    used = tokens_of(convo.last_user_text, answer)
    if not prompt:
        return reframe(objective, random.Random(seed)), improvement, True, answer.text, used
    return prompt, improvement, False, answer.text, used


def _trim(convo: Conversation) -> Conversation:
    """System prompt, opening message and the last exchanges only."""
    msgs = convo.messages
    keep = 2 * HISTORY_KEEP
    if len(msgs) <= 2 + keep:
        return convo
    return Conversation(messages=msgs[:2] + msgs[-keep:])


def feedback(
    convo: Conversation,
    *,
    raw: str,
    prompt: str,
    improvement: str,
    response: str,
    score: float,
    objective: str,
) -> Conversation:
    """The attacker conversation after one attempt: its own answer, then the target's reply and score."""
    mine = raw if raw.strip() else json.dumps({"improvement": improvement, "prompt": prompt})
    rating = 1 + round(score * 9)
    return convo.add(MessageRole.ASSISTANT, mine).add(
        MessageRole.USER, PAIR_FEEDBACK.format(response=response[:800], score=rating, objective=objective)
    )


def attacker_start(objective: str) -> Conversation:
    """The attacker's opening conversation."""
    return Conversation.of(PAIR_START, system=pair_system(objective))


def feedback_of(convo: Conversation, turn: TurnRecord, objective: str, *, raw: str = "") -> Conversation:
    """`feedback` after a recorded turn (`raw` is empty on resume: the attacker's raw answer is not kept)."""
    return feedback(
        convo,
        raw=raw,
        prompt=turn.prompt,
        improvement=turn.improvement,
        response=turn.response,
        score=turn.score or 0.0,
        objective=objective,
    )


async def pair_loop(ex: Exchanges, attacker: Target | None, seed: int) -> StopReason:
    """PAIR: `max_branches` streams of up to `max_turns` refinements; stops at the first success."""
    budget = ex.budget
    streams = {f"s{k}": attacker_start(ex.objective) for k in range(budget.max_branches)}
    done_depth = dict.fromkeys(streams, 0)
    for t in ex.turns:  # rebuild each stream's attacker history from the stored turns
        streams[t.stream] = feedback_of(streams[t.stream], t, ex.objective)
        done_depth[t.stream] = max(done_depth[t.stream], t.depth)
    for depth in range(1, budget.max_turns + 1):
        for name in sorted(streams):
            if done_depth[name] >= depth:
                continue
            ex.charge()
            prompt, improvement, fallback, raw, used = await propose(
                attacker, streams[name], ex.objective, budget, seed=seed * 1000 + len(ex.turns)
            )
            turn = await ex.exchange(
                Conversation.of(prompt),
                tokens=used,
                stream=name,
                depth=depth,
                improvement=improvement,
                attacker_fallback=fallback,
            )
            streams[name] = feedback_of(streams[name], turn, ex.objective, raw=raw)
    return StopReason.TURNS


run_pair = partial(run_loop, "pair", pair_loop)
"""The paper's loop for one objective (see `kernel.run_loop` for the arguments)."""


class PairChatStrategy:
    """PAIR in one conversation: the attacker's refined prompt becomes the next user message."""

    name: ClassVar[str] = "pair"

    def __init__(
        self, budget: AttackBudget, *, attacker: Target | None = None, judge: Judge | None = None
    ) -> None:
        self.budget = budget
        self.attacker = attacker
        self.judge = judge

    async def next_message(self, case: AttackCase, history: Conversation, *, turn: int) -> str | None:
        """A refined prompt built from the stored history, or None at the turn budget or on success."""
        if turn >= case.turns:
            return None
        convo = attacker_start(case.objective)
        pairs = [m for m in history.messages if m.role in (MessageRole.USER, MessageRole.ASSISTANT)]
        for prompt_msg, answer_msg in zip(pairs[::2], pairs[1::2], strict=False):
            value = 0.0
            if self.judge is not None:
                value, _, _ = await judge_response(
                    self.judge,
                    judged_case("pair", case.objective, history),
                    Response(text=answer_msg.content),
                )
                if value >= self.budget.success_threshold:
                    return None
            convo = feedback(
                convo,
                raw="",
                prompt=prompt_msg.content,
                improvement="",
                response=answer_msg.content,
                score=value,
                objective=case.objective,
            )
        prompt, *_ = await propose(
            self.attacker, convo, case.objective, self.budget, seed=(case.rng_seed or 0) + turn
        )
        return prompt


class Pair(AttackerLoopBase):
    """Let an attacker model refine a jailbreak prompt from the target's answers and a judge's scores."""

    name = "pair"
    threats: ClassVar[tuple[str, ...]] = ("jailbreak.automated-search",)
    source = SOURCE
    Params: ClassVar[type[BaseModel]] = PairParams

    def strategy(
        self, params: BaseModel, *, attacker: Target | None = None, judge: Judge | None = None
    ) -> MultiTurnStrategy:
        """The conversational variant the engine can drive turn by turn."""
        return PairChatStrategy(self.budget_of(params), attacker=attacker, judge=judge)

    async def algorithm(self, ex: Exchanges, attacker: Target | None, seed: int) -> StopReason:
        """The paper's loop (`pair_loop`)."""
        return await pair_loop(ex, attacker, seed)
