"""The gguf adapter on the real bundled SmolLM2-135M-Instruct model."""

from __future__ import annotations

import asyncio
import math

import pytest

from redline.core.conversation import Conversation, ErrorKind, GenerationParams, Response
from redline.settings import TargetConfig
from redline.targets.gguf import GGUFOptions, GGUFTarget
from redline.targets.registry import build_target
from redline.targets.weights import BUNDLED_FILE, file_sha256

pytest.importorskip("llama_cpp", reason="llama-cpp-python is not installed (pip install 'redline[local]')")


@pytest.mark.slow
def test_bundled_model_answers_with_logprobs() -> None:
    target = build_target(TargetConfig(kind="gguf"), env={}, name="smol")
    assert isinstance(target, GGUFTarget) and target.capabilities.logprobs
    params = GenerationParams(max_tokens=4, logprobs=True, top_logprobs=2, seed=1)

    async def scenario() -> tuple[Response, Response]:
        convo = Conversation.of("What is the capital of France?")
        return await target.send(convo, params=params), await target.send(convo, params=params)

    first, again = asyncio.run(scenario())
    assert first.ok and first.text.strip()
    assert first.text == again.text  # greedy and seeded: the same answer twice
    assert first.logprobs is not None and 1 <= len(first.logprobs) <= 4
    assert all(t.logprob <= 0.0 and math.isfinite(t.logprob) for t in first.logprobs)
    assert all(1 <= len(t.top) <= 2 for t in first.logprobs)
    assert first.usage.prompt_tokens > 0 and first.usage.completion_tokens == len(first.logprobs)


@pytest.mark.slow
def test_identity_carries_the_weights_hash_and_overflow_is_a_bad_request() -> None:
    target = GGUFTarget(name="small-ctx", options=GGUFOptions(n_ctx=64))
    ident = target.identity()
    assert ident.name == BUNDLED_FILE and ident.weights_sha256 == file_sha256(target.path)
    assert len(ident.weights_sha256 or "") == 64
    resp = asyncio.run(target.send(Conversation.of("word " * 200), params=GenerationParams(max_tokens=2)))
    assert resp.error is ErrorKind.BAD_REQUEST
    assert "context" in (resp.error_detail or "")
