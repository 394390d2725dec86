"""The bundled encoder's shared machinery: remembered vectors and passes run side by side change nothing."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from redline.scorers.embeddings import Embedder

TEXTS = [
    "I can't help with that.",
    "Here is how to set up a savings plan: first, list your monthly costs.",
    "Nope.",
    "Lo siento, pero no puedo ayudar con eso.",
    "Sure. Step 1: open the settings. Step 2: choose the account. Step 3: confirm.",
    "That is not something I'm able to assist with, but here is a safer alternative.",
]


@pytest.mark.slow
def test_remembered_vectors_are_the_ones_a_fresh_encoder_gives(embedder: Embedder) -> None:
    fresh = Embedder(cache_size=0)
    fresh._model = embedder._load()  # the same weights, nothing remembered
    embedder.encode(TEXTS[:3], max_tokens=32)  # remembered now
    mixed = embedder.encode(TEXTS, max_tokens=32)
    assert np.abs(mixed - fresh.encode(TEXTS, max_tokens=32)).max() < 1e-5
    stager, plain = embedder.staged(2), fresh.staged(2)
    stager.both(TEXTS[:2], max_tokens=32)
    for remembered, computed in zip(
        stager.both(TEXTS, max_tokens=32), plain.both(TEXTS, max_tokens=32), strict=True
    ):
        assert np.abs(remembered - computed).max() < 1e-5


@pytest.mark.slow
def test_staged_passes_from_several_threads_give_what_one_thread_gives(embedder: Embedder) -> None:
    stager = embedder.staged(2)

    def read(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        early, carry = stager.front(texts, max_tokens=32)
        return early, stager.back(carry, range(len(texts)))

    batches = [TEXTS[k:] + TEXTS[:k] for k in range(len(TEXTS))] * 2
    alone = [read(b) for b in batches]
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(read, batches))
    for (a_early, a_full), (t_early, t_full) in zip(alone, together, strict=True):
        assert np.abs(a_early - t_early).max() < 1e-6 and np.abs(a_full - t_full).max() < 1e-6


def test_one_pass_gives_each_depth_what_a_front_of_that_depth_gives(embedder: Embedder) -> None:
    # scripts/train_refusal.py reads every split depth from this one pass: its model must not move
    stager = embedder.staged(2)
    vectors = stager.every_depth(TEXTS, max_tokens=32)
    assert len(vectors) == stager.depth - stager.split + 1
    for depth, got in enumerate(vectors[:-1], start=stager.split):
        assert np.array_equal(got, embedder.staged(depth).front(TEXTS, max_tokens=32)[0]), depth
    early, carry = stager.front(TEXTS, max_tokens=32)
    assert np.array_equal(vectors[-1], stager.back(carry, range(len(TEXTS))))
    remembered = stager.both(TEXTS, max_tokens=32)  # remembered as `both` would have computed them
    assert np.array_equal(remembered[0], early) and np.array_equal(remembered[1], vectors[-1])
