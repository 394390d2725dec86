"""Scorers as guards: input and output filters for the guarded-application target.

`as_guard(scorer, block_when=...)` adapts any scorer to the `core.runs.guards.Guard` protocol. An input
guard judges the user's message, an output guard the model's answer; both see the conversation.
A text the scorer cannot judge is let through unless `block_unscorable` is set, and the reason says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from redline.core.runs.cases import AttackCase
from redline.core.runs.conversation import Conversation, Response
from redline.core.runs.guards import GuardVerdict
from redline.core.runs.scores import ScoreOutcome, Verdict
from redline.scorers.base import Scorer


class ScorerGuard:
    """A Guard that blocks when its scorer's verdict is in `block_when` (or a scale value reaches it)."""

    def __init__(
        self,
        scorer: Scorer,
        *,
        block_when: Iterable[Verdict] = (Verdict.FAIL, Verdict.PARTIAL),
        scale_at: float | None = None,
        block_unscorable: bool = False,
        name: str | None = None,
    ) -> None:
        self.scorer = scorer
        self.block_when = frozenset(block_when)
        self.scale_at = scale_at
        self.block_unscorable = block_unscorable
        self.name = name or f"guard:{scorer.name}"

    async def check(self, text: str, *, conversation: Conversation) -> GuardVerdict:
        """Score `text` as an answer in `conversation` and block according to the settings."""
        objective = conversation.last_user_text
        case = AttackCase(
            id="guard",
            technique="guard",
            seed_id="guard",
            conversation=conversation,
            objective=objective,
        )
        score = await self.scorer.score(case, Response(text=text))
        if score.outcome is ScoreOutcome.COULD_NOT_SCORE:
            return GuardVerdict(
                blocked=self.block_unscorable, reason=f"could not score: {score.rationale}", guard=self.name
            )
        if score.verdict is not None:
            blocked = score.verdict in self.block_when
        else:
            blocked = bool(score.failed) if self.scale_at is None else (score.value or 0.0) >= self.scale_at
        return GuardVerdict(blocked=blocked, reason=score.rationale, guard=self.name)


def as_guard(scorer: Scorer, **options: Any) -> ScorerGuard:
    """Use `scorer` as an input or output guard; options are those of ScorerGuard."""
    return ScorerGuard(scorer, **options)


def guard_by_name(name: str) -> ScorerGuard:
    """A guard from a registered scorer name that needs no arguments (e.g. 'toxicity', 'leak.pii')."""
    from redline.scorers.registry import build_scorer

    return as_guard(build_scorer(name))
