"""The white-box hf adapter on the real bundled model: continuation log-probs, entropy, gradients."""

from __future__ import annotations

import asyncio
import math

import pytest

from redline.core.runs.conversation import Conversation, GenerationParams, Response, TokenLogprob
from redline.targets.base import TokenGradients, WhiteBoxTarget
from redline.targets.local_hf import HFOptions, HFTarget

torch = pytest.importorskip("torch", reason="the hf target needs redline[whitebox]")
pytest.importorskip("transformers", reason="the hf target needs redline[whitebox]")


@pytest.fixture(scope="module")
def hf_target() -> HFTarget:
    # The plain copy of the dequantised GGUF goes where every hf test of the suite keeps it (the default
    # cache folder), so a machine pays for the conversion once, not once more for each fresh checkout.
    return HFTarget(name="smol-wb", options=HFOptions(device="cpu"))


@pytest.mark.slow
def test_continuation_logprobs_agree_with_generation(hf_target: HFTarget) -> None:
    convo = Conversation.of("What is the capital of France?")

    async def scenario() -> tuple[Response, tuple[TokenLogprob, ...], tuple[TokenLogprob, ...], list[float]]:
        answer = await hf_target.send(
            convo, params=GenerationParams(max_tokens=3, logprobs=True, top_logprobs=3)
        )
        scored = await hf_target.token_logprobs(convo, answer.text, top=3)
        unlikely = await hf_target.token_logprobs(convo, " Zebra quantum", top=0)
        entropy = await hf_target.entropy(convo, answer.text)
        return answer, scored, unlikely, entropy

    answer, scored, unlikely, entropy = asyncio.run(scenario())
    assert isinstance(hf_target, WhiteBoxTarget) and hf_target.capabilities.whitebox
    assert answer.ok and answer.logprobs
    gen = answer.logprobs
    assert isinstance(scored, tuple) and isinstance(unlikely, tuple) and isinstance(entropy, list)
    # Greedy tokens are the top choice, and scoring the answer reproduces generation's log-probs.
    for step in gen:
        assert step.logprob == pytest.approx(max(step.top.values()), abs=1e-4)
    for step, again in zip(gen, scored, strict=False):
        assert again.logprob == pytest.approx(step.logprob, abs=1e-3)
    assert sum(t.logprob for t in unlikely) < sum(t.logprob for t in scored[: len(unlikely)])
    assert len(entropy) == len(scored) and all(e >= 0 and math.isfinite(e) for e in entropy)


@pytest.mark.slow
def test_gradients_have_one_row_per_span_token_and_match_the_loss(hf_target: HFTarget) -> None:
    convo = Conversation.of("Tell me a story. zx zx zx zx")

    async def scenario() -> tuple[TokenGradients, list[float], str]:
        grads = await hf_target.gradients(convo, "Sure, here is", span=" zx zx zx zx")
        losses = await hf_target.target_losses([list(grads.input_ids)], list(grads.target_ids))
        suffix = await hf_target.decode(list(grads.input_ids[grads.span[0] : grads.span[1]]))
        return grads, losses, suffix

    grads, losses, suffix = asyncio.run(scenario())
    start, end = grads.span
    vocab = hf_target.loaded().model.get_input_embeddings().weight.shape[0]
    assert tuple(grads.grad.shape) == (end - start, vocab)
    assert suffix.strip() == "zx zx zx zx"
    assert bool(torch.isfinite(grads.grad).all()) and float(grads.grad.abs().sum()) > 0
    assert losses[0] == pytest.approx(grads.loss, rel=1e-3)


@pytest.mark.slow
def test_identity_names_the_bundled_weights(hf_target: HFTarget) -> None:
    ident = hf_target.identity()
    assert ident.provider == "hf" and ident.name.endswith(".gguf") and len(ident.weights_sha256 or "") == 64
