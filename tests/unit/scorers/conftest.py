"""Helpers of the scorer tests (the embedding model's fixture is in tests/models/conftest.py)."""

from __future__ import annotations

from typing import Any

from redline.core.runs.cases import AttackCase
from redline.core.runs.conversation import Conversation, Response


def case(objective: str = "Explain how to pick a lock.", **fields: Any) -> AttackCase:
    """A minimal attack case for scorer tests."""
    system = fields.pop("system", None)
    return AttackCase(
        id=str(fields.pop("id", "c1")),
        technique="test",
        seed_id="s1",
        conversation=Conversation.of(objective, system=system if isinstance(system, str) else None),
        objective=objective,
        **fields,
    )


def answer(text: str, **fields: Any) -> Response:
    """A response with text."""
    return Response(text=text, **fields)
