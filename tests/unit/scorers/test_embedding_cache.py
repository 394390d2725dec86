"""The embedder's shared machinery without the model: the vector cache and the encoder's thread setting."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest

from redline.core.errors import ScoringError
from redline.scorers.embeddings import (
    DIMENSIONS,
    THREADS_ENV,
    Embedder,
    VectorCache,
    encoder_threads,
    threads_for_pass,
)


class CountingModel:
    """Stands in for the sentence model: a vector made from the text, and a record of what was encoded."""

    def __init__(self) -> None:
        self.max_seq_length = 0
        self.calls: list[tuple[list[str], int]] = []

    def encode(self, texts: Sequence[str], **_: Any) -> np.ndarray:
        self.calls.append((list(texts), self.max_seq_length))
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        for i, text in enumerate(texts):
            out[i, len(text) % DIMENSIONS] = 1.0
            out[i, self.max_seq_length % DIMENSIONS] += 0.5
        return out


def _embedder(monkeypatch: pytest.MonkeyPatch, **kwargs: Any) -> tuple[Embedder, CountingModel]:
    monkeypatch.setenv(THREADS_ENV, "0")  # no torch here
    embedder = Embedder(**kwargs)
    model = CountingModel()
    embedder._model = model
    return embedder, model


def test_each_text_is_encoded_once_per_word_piece_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    embedder, model = _embedder(monkeypatch)
    first = embedder.encode(["objective", "answer one", "objective"], max_tokens=32)
    again = embedder.encode(["answer two", "objective"], max_tokens=32)
    other_limit = embedder.encode(["objective"], max_tokens=128)
    assert model.calls == [(["objective", "answer one"], 32), (["answer two"], 32), (["objective"], 128)]
    assert np.array_equal(first[0], first[2]) and np.array_equal(first[0], again[1])
    assert not np.array_equal(first[0], other_limit[0])
    assert first.dtype == np.float32 and first.shape == (3, DIMENSIONS)
    first[0, :] = 7.0  # the caller's copy: the remembered vector is untouched
    assert not np.array_equal(embedder.encode(["objective"], max_tokens=32)[0], first[0])


def test_the_cache_is_bounded_and_keeps_what_was_used_last(monkeypatch: pytest.MonkeyPatch) -> None:
    embedder, model = _embedder(monkeypatch, cache_size=2)
    embedder.encode(["a", "b"], max_tokens=32)
    embedder.encode(["a"], max_tokens=32)  # a is now the most recent
    embedder.encode(["c"], max_tokens=32)  # b goes
    embedder.encode(["a", "b"], max_tokens=32)
    assert [texts for texts, _ in model.calls] == [["a", "b"], ["c"], ["b"]]
    cache = VectorCache(0)
    cache.keep([("x", 1)], 32)
    assert len(cache) == 0 and cache.found(["x"], 32) == {}


def test_the_thread_setting_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(THREADS_ENV, raising=False)
    assert encoder_threads() == 1
    monkeypatch.setenv(THREADS_ENV, "3")
    assert encoder_threads() == 3
    for bad in ("two", "-1"):
        monkeypatch.setenv(THREADS_ENV, bad)
        with pytest.raises(ScoringError, match=THREADS_ENV):
            encoder_threads()


def test_a_pass_sets_threads_for_its_own_thread_and_restores_them() -> None:
    torch = pytest.importorskip("torch")
    seen: dict[str, int] = {}

    def worker() -> None:
        torch.set_num_threads(2)
        with threads_for_pass(1):
            seen["inside"] = torch.get_num_threads()
        seen["after"] = torch.get_num_threads()
        with threads_for_pass(0):
            seen["untouched"] = torch.get_num_threads()

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert seen == {"inside": 1, "after": 2, "untouched": 2}
