"""The Scorer protocol: judge one response to one case; a response it cannot judge is an explicit outcome."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Protocol, runtime_checkable

from redline.core.cases import AttackCase
from redline.core.conversation import Response
from redline.core.scores import Score


@runtime_checkable
class Scorer(Protocol):
    """Judges responses. `score_batch` lets model-backed scorers amortise their cost."""

    name: ClassVar[str]
    version: ClassVar[str]

    async def score(self, case: AttackCase, response: Response) -> Score:
        """Judge one response; errors and empty answers give `Score.could_not_score`, never PASS."""
        ...

    async def score_batch(self, items: Sequence[tuple[AttackCase, Response]]) -> list[Score]:
        """Judge many responses, in order."""
        ...
