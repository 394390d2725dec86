"""Unit tests load no model: a test that reaches the bundled embedder belongs under tests/models/."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _no_model_in_unit_tests(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loading the sentence-embedding model fails the test (tests/models/ holds the tests that need it)."""
    import redline.scorers.embeddings as embeddings

    def refuse(**_: Any) -> Any:
        raise AssertionError("a unit test loaded the embedding model: move it under tests/models/")

    monkeypatch.setattr(embeddings, "_load_model", refuse)
