"""The family classifiers read sentence vectors at the depth they were trained on."""

from __future__ import annotations


def test_sentence_vectors_keep_the_depth_the_classifiers_were_trained_on() -> None:
    from redline.scorers import social_model
    from redline.scorers.embeddings import Embedder

    full = social_model.SentenceVectors(Embedder())
    assert full._embedder is None  # a full-depth embedder shared by a caller is not used
    same = Embedder(layers=social_model.LAYERS)
    assert social_model.SentenceVectors(same)._embedder is same
