"""TAP: tree-of-attacks with pruning; PAIR's refinement grown as a tree, off-topic and weak branches cut.

Mehrotra et al. 2023, "Tree of Attacks: Jailbreaking Black-Box LLMs Automatically", arXiv:2312.02119.
Each node is an attacker conversation; every depth, each node proposes `max_branches` children,
children that drifted off the objective are pruned before the target sees them, the rest are sent
and judged, and only the best `width` survive to the next depth.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any, ClassVar

from pydantic import BaseModel, Field

from redline.attacks.multi_turn.judging import on_topic
from redline.attacks.multi_turn.kernel import AttackerLoopBase, Exchanges, LoopParams, run_loop
from redline.attacks.multi_turn.pair import attacker_start, feedback_of, propose
from redline.attacks.multi_turn.records import AttackBudget, StopReason, TurnRecord
from redline.core.runs.conversation import Conversation
from redline.targets.base import Target

SOURCE = (
    "Mehrotra et al. 2023, Tree of Attacks: Jailbreaking Black-Box LLMs Automatically (TAP), arXiv:2312.02119"
)


class TapParams(LoopParams):
    """Parameters of TAP."""

    budget: AttackBudget = Field(
        default_factory=lambda: AttackBudget(max_turns=3, max_branches=2, width=2),
        description="Depth (max_turns), branching factor (max_branches), width after pruning, token cap.",
    )


@dataclass(frozen=True)
class _Node:
    id: str
    convo: Conversation
    score: float = 0.0


async def tap_loop(ex: Exchanges, attacker: Target | None, seed: int) -> StopReason:
    """TAP to success, to depth `max_turns`, or to the token budget; every node goes to the record."""
    budget = ex.budget
    frontier, start_depth = _restore(ex.objective, ex.turns, budget)
    for depth in range(start_depth, budget.max_turns + 1):
        scored: list[_Node] = []
        for node in frontier:
            for b in range(budget.max_branches):
                ex.charge()
                child_id = f"{node.id}.{b}"
                prompt, improvement, fallback, raw, used = await propose(
                    attacker, node.convo, ex.objective, budget, seed=seed * 1000 + len(ex.turns)
                )
                keep, topic_tokens = await on_topic(ex.judge, ex.objective, prompt)
                node_fields: dict[str, Any] = {
                    "stream": child_id,
                    "parent": node.id,
                    "depth": depth,
                    "improvement": improvement,
                    "attacker_fallback": fallback,
                    "on_topic": keep,
                }
                if not keep:  # first pruning phase: the target never sees an off-topic prompt
                    pruned = {"index": len(ex.turns), "prompt": prompt, "response": "", "pruned": True}
                    await ex.add(
                        TurnRecord.model_validate({**node_fields, **pruned, "tokens": used + topic_tokens})
                    )
                    continue
                turn = await ex.exchange(Conversation.of(prompt), tokens=used + topic_tokens, **node_fields)
                convo = feedback_of(node.convo, turn, ex.objective, raw=raw)
                scored.append(_Node(child_id, convo, turn.score or 0.0))
        if not scored:
            return StopReason.EXHAUSTED
        # Second pruning phase: keep the best `width` leaves (ties broken by id for determinism).
        frontier = sorted(scored, key=lambda n: (-n.score, n.id))[: budget.width]
    return StopReason.TURNS


run_tap = partial(run_loop, "tap", tap_loop)
"""The tree search for one objective (see `kernel.run_loop` for the arguments)."""


def _restore(objective: str, turns: list[TurnRecord], budget: AttackBudget) -> tuple[list[_Node], int]:
    """The frontier to continue from: the best judged nodes of the deepest complete depth."""
    root = [_Node("n", attacker_start(objective))]
    if not turns:
        return root, 1
    convos: dict[str, Conversation] = {"n": root[0].convo}
    for t in turns:
        if t.pruned or t.parent is None or t.parent not in convos:
            continue
        convos[t.stream] = feedback_of(convos[t.parent], t, objective)
    last = max(t.depth for t in turns)
    judged = [t for t in turns if t.depth == last and not t.pruned]
    nodes = [_Node(t.stream, convos[t.stream], t.score or 0.0) for t in judged if t.stream in convos]
    if not nodes:
        return root, 1
    return sorted(nodes, key=lambda n: (-n.score, n.id))[: budget.width], last + 1


class Tap(AttackerLoopBase):
    """Grow a tree of attacker-refined prompts, pruning off-topic and low-scoring branches each depth."""

    name = "tap"
    threats: ClassVar[tuple[str, ...]] = ("jailbreak.automated-search",)
    source = SOURCE
    Params: ClassVar[type[BaseModel]] = TapParams

    async def algorithm(self, ex: Exchanges, attacker: Target | None, seed: int) -> StopReason:
        """The tree search (`tap_loop`)."""
        return await tap_loop(ex, attacker, seed)
