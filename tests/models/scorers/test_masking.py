"""Masking with Presidio's named-entity recogniser (the 'pii' extra), and its warm-up in the background."""

from __future__ import annotations

import pytest

from redline.scorers import masking
from redline.scorers.masking import (
    mask_text,
)


@pytest.mark.skipif(not masking.ner_available(), reason="needs the 'pii' extra (Presidio)")
def test_presidio_finds_names_that_patterns_miss() -> None:
    text = "Sure. Contact Jane Doe at jane.doe@example.com today."
    assert mask_text(text, ner=False) == "Sure. Contact Jane Doe at [EMAIL-1] today."
    assert mask_text(text, ner=True) == "Sure. Contact [NAME-1] at [EMAIL-1] today."
    assert masking.detector(ner=True) == "presidio+patterns"


def test_the_ner_warm_up_runs_in_the_background_only_where_installed() -> None:
    thread = masking.warm_up_in_background()
    assert (thread is not None) is masking.ner_available()
    if thread is not None:
        thread.join(timeout=300)
        assert not thread.is_alive()
