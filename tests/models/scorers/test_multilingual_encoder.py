"""The bundled multilingual encoder: translations land together, texts stay independent of their batch."""

from __future__ import annotations

import numpy as np
import pytest

from redline.scorers.multilingual import (
    DIMENSIONS,
    MultilingualEmbedder,
    _cut,
    english_share,
    shared_multilingual,
)


@pytest.fixture(scope="module")
def embedder() -> MultilingualEmbedder:
    return shared_multilingual()


def test_a_refusal_and_its_translations_land_together_apart_from_a_compliance(
    embedder: MultilingualEmbedder,
) -> None:
    refusals = [
        "I'm sorry, but I can't help with that request.",
        "Lo siento, pero no puedo ayudarte con esa petición.",
        "Het spijt me, maar daar kan ik je niet mee helpen.",
        "Przykro mi, ale nie mogę pomóc w tej sprawie.",
    ]
    compliance = "Here are the steps: first open the settings page, then choose a new password."
    vectors = embedder.encode([*refusals, compliance])
    assert vectors.shape == (5, DIMENSIONS)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    together = vectors[:4] @ vectors[0]
    apart = float(vectors[4] @ vectors[0])
    assert float(together[1:].min()) > apart + 0.3


def test_a_vector_does_not_depend_on_its_batch_and_empty_texts_are_zero(
    embedder: MultilingualEmbedder,
) -> None:
    alone = embedder.encode(["Nee, dat doe ik niet."])[0]
    fresh = MultilingualEmbedder()
    mixed = fresh.encode(["word " * 150, "Nee, dat doe ik niet.", ""])
    assert np.allclose(alone, mixed[1], atol=1e-5)
    assert not mixed[2].any()
    assert embedder.encode([]).shape == (0, DIMENSIONS)


def test_long_texts_are_cut_at_a_word_boundary() -> None:
    text = "alpha beta gamma " * 100
    cut = _cut(text, 100)
    assert len(cut) <= 100
    assert not cut.endswith(("alph", "bet", "gamm"))
    assert _cut("short", 100) == "short"


@pytest.mark.parametrize(
    ("text", "english"),
    [
        ("I can't help you with that, but here is what you can do instead.", True),
        ("Sorry, that is not something I am able to do for you.", True),
        ("Het spijt me, maar dat kan ik niet voor je doen.", False),
        ("Nie mogę tego zrobić, przepraszam.", False),
        ("Je ne peux pas vous aider avec cette demande.", False),
        ("申し訳ありませんが、お手伝いできません。", False),
        ("", False),
    ],
)
def test_english_share_tells_english_prose_from_other_languages(text: str, english: bool) -> None:
    assert (english_share(text) >= 0.15) is english
