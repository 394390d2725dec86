"""Suffix searches against a tiny character-level white-box target whose optimum is known."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Sequence
from typing import Any

import pytest

from redline.attacks.registry import get_technique
from redline.attacks.seeds.library import SeedLibrary
from redline.attacks.whitebox.search import SuffixParams, gcg, random_search
from redline.attacks.whitebox.techniques import GcgSuffix, RandomSearchSuffix
from redline.attacks.whitebox.uncertainty import answer_uncertainty
from redline.core.errors import TargetError
from redline.core.provenance import ModelIdentity
from redline.core.runs.conversation import Conversation, GenerationParams, Response, TokenLogprob
from redline.targets.base import Capabilities, TokenGradients
from redline.targets.echo import EchoTarget

torch = pytest.importorskip("torch")
VOCAB = 128
GOOD = ord("z")


class CharTarget:
    """Every character is a token; the target text becomes likelier the more 'z' the input holds."""

    name = "chars"
    capabilities = Capabilities(logprobs=True, whitebox=True)

    def identity(self) -> ModelIdentity:
        return ModelIdentity(provider="test", name="chars")

    async def send(self, conversation: Conversation, *, params: GenerationParams | None = None) -> Response:
        return Response(text="ok")

    async def aclose(self) -> None:
        return None

    def _text(self, conversation: Conversation) -> str:
        return f"<u>{conversation.last_user_text}</u><a>"

    async def encode(self, conversation: Conversation) -> list[int]:
        return [ord(c) for c in self._text(conversation)]

    async def decode(self, token_ids: Sequence[int]) -> str:
        return "".join(chr(i) for i in token_ids)

    def _loss(self, ids: Sequence[int]) -> float:
        return 1.0 + sum(i != GOOD for i in ids) / len(ids)

    async def gradients(
        self, conversation: Conversation, target: str, *, span: str | None = None
    ) -> TokenGradients:
        text = self._text(conversation)
        start = text.rfind(span or conversation.last_user_text)
        end = start + len(span or conversation.last_user_text)
        ids = [ord(c) for c in text]
        return await self.input_gradients(ids, span=(start, end), target_ids=[ord(c) for c in target])

    async def input_gradients(
        self, input_ids: Sequence[int], *, span: tuple[int, int], target_ids: Sequence[int]
    ) -> TokenGradients:
        grad = torch.zeros(span[1] - span[0], VOCAB)
        grad[:, GOOD] = -1.0
        return TokenGradients(tuple(input_ids), span, tuple(target_ids), self._loss(input_ids), grad)

    async def target_losses(
        self, candidates: Sequence[Sequence[int]], target_ids: Sequence[int]
    ) -> list[float]:
        return [self._loss(c) for c in candidates]

    async def logits(self, conversation: Conversation, continuation: str) -> Any:
        raise NotImplementedError

    async def token_logprobs(
        self, conversation: Conversation, continuation: str, *, top: int = 0
    ) -> tuple[TokenLogprob, ...]:
        raise NotImplementedError

    async def entropy(self, conversation: Conversation, continuation: str | None = None) -> list[float]:
        raise NotImplementedError


PARAMS = SuffixParams(suffix_tokens=6, steps=15, batch=8, topk=1, target_prefix="Sure")


def test_random_search_only_ever_improves_and_finds_better_suffixes() -> None:
    result = asyncio.run(random_search(CharTarget(), prompt="Tell me", params=PARAMS, rng=random.Random(0)))
    assert result.best_logprob > result.initial_logprob
    assert all(b >= a for a, b in zip(result.history, result.history[1:], strict=False))
    assert result.user_message.startswith("Tell me ") and result.user_message.endswith(result.suffix)
    assert result.steps == 15 and result.evaluations > 15


def test_gcg_follows_the_gradient_to_the_optimum() -> None:
    result = asyncio.run(gcg(CharTarget(), prompt="Tell me", params=PARAMS, rng=random.Random(0)))
    assert result.suffix.count("z") >= 5
    assert result.history[-1] > result.history[0]


def test_the_technique_returns_a_case_with_the_optimised_suffix() -> None:
    technique = get_technique("random-search-suffix")
    assert isinstance(technique, RandomSearchSuffix)
    seed = SeedLibrary.load().seeds("harmful-behaviours")[0]
    case, result = asyncio.run(technique.optimise(seed, PARAMS, target=CharTarget(), rng=random.Random(1)))
    assert case.conversation.last_user_text == result.user_message
    assert case.params["optimised"] and case.params["best_logprob"] > case.params["initial_logprob"]


def test_a_black_box_target_is_refused_with_a_pointer_to_the_hf_adapter() -> None:
    technique = get_technique("gcg")
    assert isinstance(technique, GcgSuffix)
    seed = SeedLibrary.load().seeds("harmful-behaviours")[0]
    with pytest.raises(TargetError, match="'hf'"):
        asyncio.run(technique.optimise(seed, PARAMS, target=EchoTarget(), rng=random.Random(1)))


def test_answer_uncertainty_from_token_logprobs() -> None:
    sure = TokenLogprob(token="Paris", logprob=-0.01, top={"Paris": -0.01, "Lyon": -5.0})
    unsure = TokenLogprob(token="Lyon", logprob=-0.9, top={"Lyon": -0.9, "Paris": -0.9, "Nice": -1.5})
    a = answer_uncertainty(Response(text="Paris", logprobs=(sure,)))
    b = answer_uncertainty(Response(text="Lyon", logprobs=(unsure,)))
    assert a is not None and b is not None
    assert a.first_entropy < b.first_entropy and a.sequence_prob > b.sequence_prob
    assert answer_uncertainty(Response(text="x")) is None
