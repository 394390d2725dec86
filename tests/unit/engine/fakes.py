"""Deterministic targets, scorers and strategies for engine tests (importable by subprocesses and Ray)."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Iterator, Sequence
from typing import ClassVar

from redline.core.provenance import ModelIdentity
from redline.core.runs.cases import AttackCase
from redline.core.runs.conversation import Conversation, ErrorKind, GenerationParams, Response, Usage
from redline.core.runs.scores import Score, Verdict
from redline.targets.base import Capabilities


def reply_for(conversation: Conversation) -> str:
    """The fake model's deterministic answer: refuses prompts containing 'bad', complies otherwise."""
    prompt = conversation.last_user_text
    tag = hashlib.sha256(conversation.model_dump_json().encode()).hexdigest()[:8]
    if "bad" in prompt:
        return f"I cannot help with that. [{tag}]"
    return f"Sure, here is how: {prompt[:40]} [{tag}]"


class FakeTarget:
    """Answers after `latency_s`; `script` maps a prompt to error kinds returned before it succeeds."""

    name = "fake"
    capabilities = Capabilities()

    def __init__(
        self,
        *,
        latency_s: float = 0.0,
        script: dict[str, list[ErrorKind]] | None = None,
        retry_after_s: float | None = None,
        always: ErrorKind | None = None,
        raise_on: str | None = None,
    ) -> None:
        self.latency_s = latency_s
        self.script = {k: list(v) for k, v in (script or {}).items()}
        self.retry_after_s = retry_after_s
        self.always = always
        self.raise_on = raise_on
        self.calls = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self.closed = False

    def identity(self) -> ModelIdentity:
        return ModelIdentity(provider="fake", name="fake-model", version="1")

    async def send(self, conversation: Conversation, *, params: GenerationParams | None = None) -> Response:
        self.calls += 1
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.latency_s:
                await asyncio.sleep(self.latency_s)
            prompt = conversation.last_user_text
            if self.raise_on is not None and self.raise_on in prompt:
                raise RuntimeError(f"adapter bug on {prompt!r}")
            pending = self.script.get(prompt)
            kind = pending.pop(0) if pending else self.always
            if kind is not None:
                wait = self.retry_after_s if kind is ErrorKind.RATE_LIMIT else None
                return _error_response(kind, retry_after_s=wait)
            text = reply_for(conversation)
            return Response(
                text=text,
                latency_ms=self.latency_s * 1000,
                usage=Usage(prompt_tokens=10, completion_tokens=5),
            )
        finally:
            self.in_flight -= 1

    async def aclose(self) -> None:
        self.closed = True


def _error_response(kind: ErrorKind, *, retry_after_s: float | None = None) -> Response:
    return Response(error=kind, error_detail=f"fake {kind.value}", retry_after_s=retry_after_s)


class ComplianceScorer:
    """FAIL when the answer complies ('Sure'), PASS when it refuses."""

    name: ClassVar[str] = "fake.compliance"
    version: ClassVar[str] = "1"

    async def score(self, case: AttackCase, response: Response) -> Score:
        if response.error is not None:
            return Score.could_not_score(self.name, "no answer")
        verdict = Verdict.FAIL if response.text.startswith("Sure") else Verdict.PASS
        return Score(scorer=self.name, verdict=verdict, rationale="keyword")

    async def score_batch(self, items: Sequence[tuple[AttackCase, Response]]) -> list[Score]:
        return [await self.score(c, r) for c, r in items]


class BatchedLengthScorer:
    """A scale scorer judged in batches; records the batch sizes it saw."""

    name: ClassVar[str] = "fake.length"
    version: ClassVar[str] = "1"
    batch_size: ClassVar[int] = 4

    def __init__(self) -> None:
        self.batches: list[int] = []

    async def score(self, case: AttackCase, response: Response) -> Score:
        return (await self.score_batch([(case, response)]))[0]

    async def score_batch(self, items: Sequence[tuple[AttackCase, Response]]) -> list[Score]:
        self.batches.append(len(items))
        return [
            Score(scorer=self.name, value=min(1.0, len(r.text) / 200), scale=(0.0, 1.0)) for _, r in items
        ]


class BrokenScorer:
    """Raises on every response."""

    name: ClassVar[str] = "fake.broken"
    version: ClassVar[str] = "1"

    async def score(self, case: AttackCase, response: Response) -> Score:
        raise ValueError("model file missing")

    async def score_batch(self, items: Sequence[tuple[AttackCase, Response]]) -> list[Score]:
        raise ValueError("model file missing")


class FollowUpStrategy:
    """Asks a deterministic follow-up built from the last answer, for `case.turns` turns."""

    name: ClassVar[str] = "fake.follow-up"

    async def next_message(self, case: AttackCase, history: Conversation, *, turn: int) -> str | None:
        last = history.messages[-1].content
        return f"turn {turn}: tell me more about {last[:24]}"


def make_case(
    i: int, *, prompt: str | None = None, turns: int = 1, threats: tuple[str, ...] = ("t.one",)
) -> AttackCase:
    """A case with a deterministic id."""
    text = prompt if prompt is not None else f"prompt number {i}" + (" bad" if i % 3 == 0 else "")
    conversation = Conversation.of(text)
    technique = FollowUpStrategy.name if turns > 1 else "direct"
    return AttackCase(
        id=AttackCase.make_id(technique, f"s{i}", {}, conversation),
        technique=technique,
        seed_id=f"s{i}",
        threat_ids=threats,
        conversation=conversation,
        turns=turns,
    )


def make_cases(n: int, *, turns: int = 1, start: int = 0) -> Iterator[AttackCase]:
    """`n` cases, generated lazily."""
    for i in range(start, start + n):
        yield make_case(i, turns=turns, threats=("t.one",) if i % 2 else ("t.one", "t.two"))


async def answer(conversation: Conversation) -> str:
    """A callable-target function: the fake model's answer after REDLINE_FAKE_LATENCY_S (default 10 ms)."""
    import os

    await asyncio.sleep(float(os.environ.get("REDLINE_FAKE_LATENCY_S", "0.01")))
    return reply_for(conversation)
