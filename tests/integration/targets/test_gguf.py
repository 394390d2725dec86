"""The gguf adapter on the real bundled SmolLM2-135M-Instruct model."""

from __future__ import annotations

import asyncio
import logging
import math
import os
import signal

import pytest

from redline.config.settings import TargetConfig
from redline.core.runs.conversation import Conversation, ErrorKind, GenerationParams, Response
from redline.targets.gguf import GGUFOptions, GGUFTarget
from redline.targets.registry import target_from_config
from redline.targets.weights import BUNDLED_FILE, file_sha256

pytest.importorskip("llama_cpp", reason="llama-cpp-python is not installed (pip install 'redline[local]')")


@pytest.mark.slow
def test_bundled_model_answers_with_logprobs() -> None:
    target = target_from_config(TargetConfig(kind="gguf"), env={}, name="smol")
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


@pytest.mark.slow
def test_the_model_answers_from_a_worker_process_that_survives_being_killed_mid_generation(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="redline.targets.llama")
    target = GGUFTarget(name="smol", options=GGUFOptions(n_ctx=1024))
    worker = target.worker()
    short = GenerationParams(max_tokens=8, seed=1)
    long = GenerationParams(max_tokens=400, seed=1)

    async def scenario() -> tuple[Response, int | None, Response, Response]:
        warm = await target.send(Conversation.of("Say hello."), params=short)  # loads the model
        pid = worker.pid
        story = asyncio.create_task(
            target.send(Conversation.of("Write a long story about a dragon."), params=long)
        )
        while not worker.in_flight:
            await asyncio.sleep(0.001)
        await asyncio.sleep(0.2)  # well into the generation
        assert pid is not None and worker.pid == pid
        os.kill(pid, signal.SIGKILL)
        crashed = await story
        return warm, pid, crashed, await target.send(Conversation.of("Say hello."), params=short)

    try:
        warm, pid, crashed, again = asyncio.run(scenario())
    finally:
        worker.close()
    assert warm.ok and warm.text.strip() and pid != os.getpid()
    assert crashed.error is ErrorKind.RUNTIME_CRASH and "SIGKILL" in (crashed.error_detail or "")
    assert "while generating" in (crashed.error_detail or "")
    assert again.ok and again.text == warm.text  # a fresh worker, the same seeded answer
    assert worker.crashes == 1 and worker.consecutive_crashes == 0
    (warning,) = [r for r in caplog.records if r.name == "redline.targets.llama"]
    assert "SIGKILL" in warning.getMessage() and "scripts/build-llama.sh" in warning.getMessage()
