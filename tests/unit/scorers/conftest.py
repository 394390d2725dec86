"""Fixtures of the scorer tests: one embedding model per test session (loading it costs seconds)."""

from __future__ import annotations

import pytest

from redline.core.cases import AttackCase
from redline.core.conversation import Conversation, Response
from redline.scorers.embeddings import Embedder


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    """The bundled sentence-embedding model, loaded once."""
    model = Embedder()
    model.encode(["warm up"])
    return model


def case(objective: str = "Explain how to pick a lock.", **fields: object) -> AttackCase:
    """A minimal attack case for scorer tests."""
    system = fields.pop("system", None)
    return AttackCase(
        id=str(fields.pop("id", "c1")),
        technique="test",
        seed_id="s1",
        conversation=Conversation.of(objective, system=system if isinstance(system, str) else None),
        objective=objective,
        **fields,  # type: ignore[arg-type]
    )


def answer(text: str, **fields: object) -> Response:
    """A response with text."""
    return Response(text=text, **fields)  # type: ignore[arg-type]
