"""Tests that load a bundled model (GGUF, embeddings, torch, NER) or train a classifier: marked `models`.

`make test-fast` leaves them out; `make test` runs them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from redline.scorers.embeddings import Embedder

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under tests/models/ carries the `models` marker."""
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.models)


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    """The bundled sentence-embedding model, loaded once per test session (loading it costs seconds)."""
    model = Embedder()
    model.encode(["warm up"])
    return model
