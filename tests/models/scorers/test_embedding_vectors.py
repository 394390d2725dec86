"""The bundled encoder's vectors, pinned: the numbers sentence-transformers gives for the same folder.

The encoder is read with transformers alone; these figures were taken from SentenceTransformer's
`encode` (normalised) on the same model, so a change of tokenizer, pooling, truncation or layers shows.
Each text's vector is pinned through its dot product with a fixed random direction (all 384 numbers
count) and its first coordinates.
"""

from __future__ import annotations

import numpy as np
import pytest

from redline.scorers.embeddings import DIMENSIONS, Embedder

TEXTS = [
    "",
    "Nope.",
    "I can't help with that, but here is a safer alternative.",
    "Lo siento, pero no puedo ayudar con eso.",
    "申し訳ありませんが、それには協力できません。",
    " ".join(["Step one: open the account settings and confirm the transfer limit."] * 20),  # > 256 pieces
]
PROJECTED = {
    (None, 128): [-0.5705, -0.2931, -1.10438, -0.43828, -0.40011, -1.25402],
    (None, 256): [-0.5705, -0.2931, -1.10438, -0.43828, -0.40011, -1.50298],
    (3, 128): [-0.93157, -0.4606, -0.62162, -1.66397, -1.19484, 0.83172],
}
FIRST = {
    None: [[-0.11884, 0.0483, -0.00255], [-0.09367, 5e-05, 0.04954], [-0.0111, -0.00148, -0.07243]],
    3: [[0.02451, 0.04892, -0.01088], [-0.02059, 0.08402, 0.02389], [0.01888, -0.04116, -0.04678]],
}


def _direction() -> np.ndarray:
    return np.random.default_rng(0).standard_normal(DIMENSIONS).astype(np.float32)


def _check(vectors: np.ndarray, layers: int | None, limit: int) -> None:
    assert vectors.shape == (len(TEXTS), DIMENSIONS) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert np.allclose(vectors @ _direction(), PROJECTED[(layers, limit)], atol=3e-5)
    if limit == 128:
        assert np.allclose(vectors[:3, :3], FIRST[layers], atol=1e-5)


@pytest.mark.parametrize("limit", [128, 256])
def test_full_depth_vectors_are_sentence_transformers(embedder: Embedder, limit: int) -> None:
    _check(embedder.encode(TEXTS, max_tokens=limit), None, limit)


def test_truncated_depth_vectors_are_sentence_transformers() -> None:
    _check(Embedder(layers=3, cache_size=0).encode(TEXTS, max_tokens=128), 3, 128)
