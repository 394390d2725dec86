"""The Guard protocol: a check on text that can block an exchange (scorers implement it, targets use it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from redline.core.runs.conversation import Conversation


@dataclass(frozen=True)
class GuardVerdict:
    """Whether a guard blocks the text, and why."""

    blocked: bool
    reason: str = ""
    guard: str = ""


@runtime_checkable
class Guard(Protocol):
    """Checks an input (the conversation so far) or an output (the model's text) and may block it."""

    name: str

    async def check(self, text: str, *, conversation: Conversation) -> GuardVerdict:
        """Judge `text`; `conversation` is the context it appears in."""
        ...
