"""The architecture page takes each module's whole first sentence, however many lines it spans."""

from __future__ import annotations

import pytest

from redline.devtools.docs import first_sentence


@pytest.mark.parametrize(
    ("doc", "sentence"),
    [
        (
            "Re-run stored cases against a release through the engine, with the original\n"
            "scorers and parameters. More follows.",
            "Re-run stored cases against a release through the engine, with the original scorers and "
            "parameters.",
        ),
        (
            "Export the catalog: JSON (full records) or CSV.\n\nDetails.",
            "Export the catalog: JSON (full records) or CSV.",
        ),
        ("Wrappers (e.g. Base64) around a request. Then.", "Wrappers (e.g. Base64) around a request."),
        ("A title without a stop", "A title without a stop"),
        ("", ""),
    ],
)
def test_first_sentence(doc: str, sentence: str) -> None:
    assert first_sentence(doc) == sentence
