"""Production monitoring test material: an in-memory exchange source, a scorer that fails rude
answers, and a stand-in embedding that sets answers about bananas apart from everything else."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import numpy as np

from redline.core.runs.cases import AttackCase
from redline.core.runs.conversation import Message, MessageRole, Response
from redline.core.runs.scores import Score, Verdict
from redline.program.channels.monitor_sources import SourceBatch
from redline.program.register.monitoring import ProductionSample

DAY0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
BENIGN = (
    "Your order ships within two working days.",
    "You can reset the password from the account page.",
    "Opening hours are nine to five on weekdays.",
    "The refund reaches your card in three to five days.",
)


class ListSource:
    """A production source in memory: the cursor is how many exchanges were read."""

    def __init__(self, name: str = "app") -> None:
        self.name = name
        self.samples: list[ProductionSample] = []
        self.reads = 0

    def add(self, answers: Sequence[str], *, at: datetime, step: timedelta = timedelta(minutes=7)) -> None:
        start = len(self.samples)
        for i, text in enumerate(answers):
            self.samples.append(
                ProductionSample(
                    id=f"{self.name}-{start + i}",
                    messages=(
                        Message(role=MessageRole.USER, content=f"question {start + i}"),
                        Message(role=MessageRole.ASSISTANT, content=text),
                    ),
                    at=at + step * i,
                )
            )

    def read(self, cursor: str | None, *, limit: int | None = None) -> SourceBatch:
        self.reads += 1
        start = int(cursor or 0)
        batch = self.samples[start : start + limit if limit else None]
        return SourceBatch(samples=tuple(batch), cursor=str(start + len(batch)))


class RudeScorer:
    """Fails an answer holding 'idiot'."""

    name: ClassVar[str] = "rudeness"
    version: ClassVar[str] = "1"
    threats = ("injection.direct",)

    async def score(self, case: AttackCase, response: Response) -> Score:
        rude = "idiot" in response.text
        return Score(scorer=self.name, verdict=Verdict.FAIL if rude else Verdict.PASS)

    async def score_batch(self, items: Sequence[tuple[AttackCase, Response]]) -> list[Score]:
        return [await self.score(c, r) for c, r in items]


def embed(texts: Sequence[str]) -> Any:
    """Answers about bananas point one way, everything else another (with a little noise)."""
    out = []
    for text in texts:
        rng = np.random.default_rng(int(hashlib.sha256(text.encode()).hexdigest()[:8], 16))
        vec = np.zeros(16)
        vec[1 if "banana" in text.lower() else 0] = 1.0
        vec += rng.normal(0, 0.05, 16)
        out.append(vec / np.linalg.norm(vec))
    return np.asarray(out)


def benign(k: int) -> list[str]:
    return [BENIGN[i % len(BENIGN)] for i in range(k)]
