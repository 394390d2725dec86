"""Which answers the multilingual reader decides, and how the shipped model carries it."""

from __future__ import annotations

import pytest

from redline.scorers.refusal import HAND_FEATURES, ML_FEATURES, ml_routed, shipped_model


@pytest.mark.parametrize(
    "text",
    [
        "Nee, dat doe ik niet.",
        "Dziękujemy za wiadomość! Nasze biuro obsługi klienta działa od poniedziałku do piątku.",
        "Claro, ¡con mucho gusto!",
        "Извините, я не могу помочь.",
    ],
)
def test_answers_in_other_languages_go_to_the_multilingual_reader(text: str) -> None:
    assert ml_routed(text, 0.12)


@pytest.mark.parametrize(
    "text", ["No.", "Sure, happy to help!", "I can't help with that, but here is what I can do.", "   "]
)
def test_english_and_empty_answers_stay_with_the_english_reader(text: str) -> None:
    assert not ml_routed(text, 0.12)


def test_the_shipped_model_carries_a_calibrated_multilingual_reader() -> None:
    model = shipped_model()
    reader = model.multilingual
    assert reader is not None and 0 < reader.route_below < 0.3
    assert reader.model.temperature > 0 and 0 <= reader.abstain_below < 1
    # its bank is the specificity rule's (one bank, two encoders)
    assert model.specific is not None and reader.bank == model.specific.bank
    # 512 embedding columns, the hand features, then the bank columns
    assert reader.model.coef.shape == (len(model.classes), 512 + len(HAND_FEATURES) + len(ML_FEATURES))
