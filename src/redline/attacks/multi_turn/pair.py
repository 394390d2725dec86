"""PAIR: an attacker model rewrites its prompt after each target answer and judge score.

Chao et al. 2023, "Jailbreaking Black Box Large Language Models in Twenty Queries" (PAIR),
arXiv:2310.08419. `run_pair` is the paper's loop (parallel streams, each refining a single-turn
prompt); `PairChatStrategy` is a conversational variant the engine can drive turn by turn, where the
refined prompt is sent as the next user message of the same conversation.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from redline.attacks.base import MultiTurnStrategy, TechniqueKind, make_case, rng_seed_of
from redline.attacks.multi_turn.judging import Judge, judge_response, judged_case
from redline.attacks.multi_turn.prompts import PAIR_FEEDBACK, PAIR_START, pair_system, parse_attacker, reframe
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
from redline.attacks.templating import TechniqueBase, as_request
from redline.core.cases import AttackCase, Seed
from redline.core.conversation import Conversation, GenerationParams, MessageRole, Response
from redline.targets.base import Target

SOURCE = (
    "Chao et al. 2023, Jailbreaking Black Box Large Language Models in Twenty Queries (PAIR), "
    "arXiv:2310.08419"
)
HISTORY_KEEP = 2  # attacker sees its last two attempts: small attacker models have short contexts


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


async def run_pair(
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
    """PAIR: `max_branches` streams of up to `max_turns` refinements; stops at the first success."""
    turns: list[TurnRecord] = list(resume.turns) if resume else []
    streams = {f"s{k}": attacker_start(objective) for k in range(budget.max_branches)}
    done_depth = dict.fromkeys(streams, 0)
    for t in turns:  # rebuild each stream's attacker history from the stored turns
        streams[t.stream] = feedback(
            streams[t.stream],
            raw="",
            prompt=t.prompt,
            improvement=t.improvement,
            response=t.response,
            score=t.score or 0.0,
            objective=objective,
        )
        done_depth[t.stream] = max(done_depth[t.stream], t.depth)
    if any((t.score or 0.0) >= budget.success_threshold for t in turns):
        return finish("pair", objective, turns, threshold=budget.success_threshold, stop=StopReason.SUCCESS)
    target_params = GenerationParams(temperature=0.0, max_tokens=budget.target_max_tokens)
    for depth in range(1, budget.max_turns + 1):
        for name in sorted(streams):
            if done_depth[name] >= depth:
                continue
            if sum(t.tokens for t in turns) >= budget.max_tokens:
                return finish(
                    "pair", objective, turns, threshold=budget.success_threshold, stop=StopReason.TOKENS
                )
            call_seed = seed * 1000 + len(turns)
            prompt, improvement, fallback, raw, used = await propose(
                attacker, streams[name], objective, budget, seed=call_seed
            )
            sent = Conversation.of(prompt)
            response = await target.send(sent, params=target_params)
            value, rationale, judged = await judge_response(
                judge, judged_case("pair", objective, sent), response
            )
            rec = TurnRecord(
                index=len(turns),
                stream=name,
                depth=depth,
                prompt=prompt,
                response=response.text,
                score=value,
                rationale=rationale,
                improvement=improvement,
                attacker_fallback=fallback,
                tokens=used + tokens_of(prompt, response) + judged,
                error=None if response.ok else (response.error_detail or str(response.error)),
            )
            turns.append(rec)
            await record(recorder, rec)
            if value >= budget.success_threshold:
                return finish(
                    "pair", objective, turns, threshold=budget.success_threshold, stop=StopReason.SUCCESS
                )
            streams[name] = feedback(
                streams[name],
                raw=raw,
                prompt=prompt,
                improvement=improvement,
                response=response.text,
                score=value,
                objective=objective,
            )
    return finish("pair", objective, turns, threshold=budget.success_threshold, stop=StopReason.TURNS)


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


class PairParams(BaseModel):
    """Parameters of PAIR."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    budget: AttackBudget = Field(
        default_factory=lambda: AttackBudget(max_turns=3, max_branches=2),
        description="max_branches streams x max_turns refinements, and a token cap.",
    )


class Pair(TechniqueBase):
    """Let an attacker model refine a jailbreak prompt from the target's answers and a judge's scores."""

    name = "pair"
    kind = TechniqueKind.ATTACKER_LOOP
    threats = ("jailbreak.automated-search",)
    source = SOURCE
    Params: ClassVar[type[BaseModel]] = PairParams

    def expand(self, seed: Seed, params: BaseModel, *, rng: random.Random) -> Iterator[AttackCase]:
        """One case whose first turn is the plain request; the loop or strategy refines it."""
        p = self.typed(params, PairParams)
        yield make_case(
            self,
            seed,
            Conversation.of(as_request(seed.text)),
            params=p,
            rng_seed=rng_seed_of(rng),
            turns=p.budget.max_turns,
        )

    def strategy(
        self, params: BaseModel, *, attacker: Target | None = None, judge: Judge | None = None
    ) -> MultiTurnStrategy:
        """The conversational variant the engine can drive turn by turn."""
        return PairChatStrategy(self.typed(params, PairParams).budget, attacker=attacker, judge=judge)

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
        """The paper's loop for one case."""
        budget = self.typed(params, PairParams).budget
        return await run_pair(
            case.objective,
            target,
            attacker,
            judge,
            budget,
            recorder=recorder,
            resume=resume,
            seed=case.rng_seed or 0,
        )
