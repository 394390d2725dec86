"""Context retention: a constraint given in the first turn, follow-ups later that only it answers well.

A scripted multi-turn probe (no attacker model): the engine sends the first message, then each
follow-up of the seed in order. The scorer checks the final answers against the seed's `check`.
Measures how assistants lose earlier instructions over a conversation (Laban et al. 2025,
"LLMs Get Lost In Multi-Turn Conversation", arXiv:2505.06120).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import ClassVar

from pydantic import BaseModel

from redline.attacks.base import MultiTurnStrategy, NoParams, TechniqueKind, make_case, rng_seed_of
from redline.attacks.multi_turn.judging import Judge
from redline.attacks.templating import TechniqueBase
from redline.core.errors import ConfigError
from redline.core.runs.cases import AttackCase, Seed
from redline.core.runs.conversation import Conversation
from redline.targets.base import Target


class ScriptedStrategy:
    """Sends the case's scripted follow-ups in order; the history does not change what comes next."""

    name: ClassVar[str] = "context-retention"

    async def next_message(self, case: AttackCase, history: Conversation, *, turn: int) -> str | None:
        """Follow-up number `turn`, or None when the script is done."""
        followups = case.params.get("followups", [])
        return str(followups[turn - 1]) if 1 <= turn <= len(followups) else None


class ContextRetention(TechniqueBase):
    """Give a constraint first, ask unrelated then dependent follow-ups; forgetting the constraint fails."""

    name = "context-retention"
    kind = TechniqueKind.MULTI_TURN
    threats = ("ux.context-loss",)
    source = "Laban et al. 2025, LLMs Get Lost In Multi-Turn Conversation, arXiv:2505.06120"
    default_seeds = "constraint-scenarios"
    Params: ClassVar[type[BaseModel]] = NoParams

    def expand(self, seed: Seed, params: BaseModel, *, rng: random.Random) -> Iterator[AttackCase]:
        """One case: the constraint as turn 0, follow-ups recorded for the strategy."""
        followups = [str(f) for f in seed.metadata.get("followups", [])]
        if not followups:
            raise ConfigError(f"seed '{seed.id}' has no followups; use a constraint-scenarios seed set")
        yield make_case(
            self,
            seed,
            Conversation.of(seed.text),
            params=self.typed(params, NoParams),
            rng_seed=rng_seed_of(rng),
            objective=f"Check that the assistant keeps this constraint: {seed.text}",
            turns=len(followups) + 1,
            extra={"followups": followups, "check": str(seed.metadata.get("check", ""))},
        )

    def strategy(
        self, params: BaseModel, *, attacker: Target | None = None, judge: Judge | None = None
    ) -> MultiTurnStrategy:
        """The scripted follow-ups."""
        return ScriptedStrategy()
