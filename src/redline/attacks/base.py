"""The Technique and Converter protocols: turn seeds into attack cases (stage 2)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import ClassVar, Protocol, runtime_checkable

from pydantic import BaseModel

from redline.core.cases import AttackCase, Seed
from redline.core.conversation import Conversation


@runtime_checkable
class Converter(Protocol):
    """A deterministic (for a given rng) text transform; converters compose in chains."""

    name: ClassVar[str]
    threats: ClassVar[tuple[str, ...]]

    def convert(self, text: str, *, rng: random.Random) -> str:
        """The converted text."""
        ...


@runtime_checkable
class Technique(Protocol):
    """Expands a seed into cases. Metadata lives in class attributes, parameters in a pydantic model."""

    name: ClassVar[str]
    threats: ClassVar[tuple[str, ...]]
    source: ClassVar[str]
    Params: ClassVar[type[BaseModel]]

    def expand(self, seed: Seed, params: BaseModel, *, rng: random.Random) -> Iterator[AttackCase]:
        """The cases this technique makes from one seed; same seed and rng state, same cases."""
        ...


@runtime_checkable
class MultiTurnStrategy(Protocol):
    """Drives a conversation turn by turn; the engine stores each turn as an attempt, so it resumes.

    The engine sends `case.conversation` as turn 0, then asks the strategy for the next user message
    given the whole history (the target's answers included); None ends the conversation.
    """

    name: ClassVar[str]

    async def next_message(self, case: AttackCase, history: Conversation, *, turn: int) -> str | None:
        """The next user message for `turn` (>= 1), or None to stop."""
        ...
