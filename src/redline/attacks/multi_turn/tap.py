"""TAP: tree-of-attacks with pruning; PAIR's refinement grown as a tree, off-topic and weak branches cut.

Mehrotra et al. 2023, "Tree of Attacks: Jailbreaking Black-Box LLMs Automatically", arXiv:2312.02119.
Each node is an attacker conversation; every depth, each node proposes `max_branches` children,
children that drifted off the objective are pruned before the target sees them, the rest are sent
and judged, and only the best `width` survive to the next depth.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from redline.attacks.base import TechniqueKind, make_case, rng_seed_of
from redline.attacks.multi_turn.judging import Judge, judge_response, judged_case, on_topic
from redline.attacks.multi_turn.pair import attacker_start, feedback, propose
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
from redline.core.conversation import Conversation, GenerationParams
from redline.targets.base import Target

SOURCE = (
    "Mehrotra et al. 2023, Tree of Attacks: Jailbreaking Black-Box LLMs Automatically (TAP), arXiv:2312.02119"
)


@dataclass(frozen=True)
class _Node:
    id: str
    convo: Conversation
    score: float = 0.0


async def run_tap(
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
    """TAP to success, to depth `max_turns`, or to the token budget; every node goes to `recorder`."""
    turns: list[TurnRecord] = list(resume.turns) if resume else []
    frontier, start_depth = _restore(objective, turns, budget)
    if any((t.score or 0.0) >= budget.success_threshold for t in turns):
        return finish("tap", objective, turns, threshold=budget.success_threshold, stop=StopReason.SUCCESS)
    target_params = GenerationParams(temperature=0.0, max_tokens=budget.target_max_tokens)
    for depth in range(start_depth, budget.max_turns + 1):
        scored: list[_Node] = []
        for node in frontier:
            for b in range(budget.max_branches):
                if sum(t.tokens for t in turns) >= budget.max_tokens:
                    return finish(
                        "tap", objective, turns, threshold=budget.success_threshold, stop=StopReason.TOKENS
                    )
                child_id = f"{node.id}.{b}"
                prompt, improvement, fallback, raw, used = await propose(
                    attacker, node.convo, objective, budget, seed=seed * 1000 + len(turns)
                )
                keep, topic_tokens = await on_topic(judge, objective, prompt)
                common = {
                    "index": len(turns),
                    "stream": child_id,
                    "parent": node.id,
                    "depth": depth,
                    "prompt": prompt,
                    "improvement": improvement,
                    "attacker_fallback": fallback,
                    "on_topic": keep,
                }
                if not keep:
                    rec = TurnRecord.model_validate(
                        {**common, "response": "", "pruned": True, "tokens": used + topic_tokens}
                    )
                    turns.append(rec)
                    await record(recorder, rec)
                    continue
                sent = Conversation.of(prompt)
                response = await target.send(sent, params=target_params)
                value, rationale, judged = await judge_response(
                    judge, judged_case("tap", objective, sent), response
                )
                rec = TurnRecord.model_validate(
                    {
                        **common,
                        "response": response.text,
                        "score": value,
                        "rationale": rationale,
                        "tokens": used + topic_tokens + tokens_of(prompt, response) + judged,
                        "error": None if response.ok else (response.error_detail or str(response.error)),
                    }
                )
                turns.append(rec)
                await record(recorder, rec)
                if value >= budget.success_threshold:
                    return finish(
                        "tap", objective, turns, threshold=budget.success_threshold, stop=StopReason.SUCCESS
                    )
                convo = feedback(
                    node.convo,
                    raw=raw,
                    prompt=prompt,
                    improvement=improvement,
                    response=response.text,
                    score=value,
                    objective=objective,
                )
                scored.append(_Node(child_id, convo, value))
        if not scored:
            return finish(
                "tap", objective, turns, threshold=budget.success_threshold, stop=StopReason.EXHAUSTED
            )
        # Second pruning phase: keep the best `width` leaves (ties broken by id for determinism).
        frontier = sorted(scored, key=lambda n: (-n.score, n.id))[: budget.width]
    return finish("tap", objective, turns, threshold=budget.success_threshold, stop=StopReason.TURNS)


def _restore(objective: str, turns: list[TurnRecord], budget: AttackBudget) -> tuple[list[_Node], int]:
    """The frontier to continue from: the best judged nodes of the deepest complete depth."""
    root = [_Node("n", attacker_start(objective))]
    if not turns:
        return root, 1
    convos: dict[str, Conversation] = {"n": root[0].convo}
    for t in turns:
        if t.pruned or t.parent is None or t.parent not in convos:
            continue
        convos[t.stream] = feedback(
            convos[t.parent],
            raw="",
            prompt=t.prompt,
            improvement=t.improvement,
            response=t.response,
            score=t.score or 0.0,
            objective=objective,
        )
    last = max(t.depth for t in turns)
    judged = [t for t in turns if t.depth == last and not t.pruned]
    nodes = [_Node(t.stream, convos[t.stream], t.score or 0.0) for t in judged if t.stream in convos]
    if not nodes:
        return root, 1
    return sorted(nodes, key=lambda n: (-n.score, n.id))[: budget.width], last + 1


class TapParams(BaseModel):
    """Parameters of TAP."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    budget: AttackBudget = Field(
        default_factory=lambda: AttackBudget(max_turns=3, max_branches=2, width=2),
        description="Depth (max_turns), branching factor (max_branches), width after pruning, token cap.",
    )


class Tap(TechniqueBase):
    """Grow a tree of attacker-refined prompts, pruning off-topic and low-scoring branches each depth."""

    name = "tap"
    kind = TechniqueKind.ATTACKER_LOOP
    threats = ("jailbreak.automated-search",)
    source = SOURCE
    Params: ClassVar[type[BaseModel]] = TapParams

    def expand(self, seed: Seed, params: BaseModel, *, rng: random.Random) -> Iterator[AttackCase]:
        """One case holding the objective; the tree search runs in `run`."""
        p = self.typed(params, TapParams)
        yield make_case(
            self,
            seed,
            Conversation.of(as_request(seed.text)),
            params=p,
            rng_seed=rng_seed_of(rng),
            turns=p.budget.max_turns,
        )

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
        """The tree search for one case."""
        budget = self.typed(params, TapParams).budget
        return await run_tap(
            case.objective,
            target,
            attacker,
            judge,
            budget,
            recorder=recorder,
            resume=resume,
            seed=case.rng_seed or 0,
        )
