"""The specificity rule's bank ships encoded, in step with the model that names it."""

from __future__ import annotations

from importlib.resources import files

import numpy as np

from redline.scorers.embeddings import Embedder
from redline.scorers.refusal import BANK_FILE, bank_key, shipped_model


def test_the_shipped_bank_vectors_are_those_of_the_shipped_models_bank() -> None:
    rule = shipped_model().specific
    assert rule is not None
    with (files("redline.scorers") / "data" / BANK_FILE).open("rb") as f, np.load(f) as data:
        key, vectors = str(data["key"]), np.asarray(data["vectors"])
    # retraining changes the bank: scripts/train_refusal.py writes both files
    assert key == bank_key(Embedder(), rule.bank)
    assert vectors.shape == (len(rule.bank), 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


def test_the_key_changes_with_the_bank_or_the_encoder() -> None:
    bank = ("how do I open an account", "what are your opening hours")
    key = bank_key(Embedder(), bank)
    assert key != bank_key(Embedder(), bank[:1])
    assert key != bank_key(Embedder(layers=2), bank)


def test_the_shipped_bank_carries_the_multilingual_vectors_of_the_same_bank() -> None:
    from redline.scorers.multilingual import MultilingualEmbedder
    from redline.scorers.refusal import ML_CHARS, ml_bank_key

    rule = shipped_model().specific
    assert rule is not None
    with (files("redline.scorers") / "data" / BANK_FILE).open("rb") as f, np.load(f) as data:
        key, vectors = str(data["ml_key"]), np.asarray(data["ml_vectors"])
    encoder = MultilingualEmbedder(max_chars=ML_CHARS)  # the key names the encoder; nothing is loaded
    assert key == ml_bank_key(encoder, rule.bank) != ml_bank_key(encoder, rule.bank[1:])
    assert vectors.shape == (len(rule.bank), 512) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
