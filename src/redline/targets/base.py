"""The Target protocol: async send(conversation) -> Response, with declared capabilities (stage 1)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from redline.core.conversation import Conversation, GenerationParams, Response
from redline.core.provenance import ModelIdentity


@dataclass(frozen=True)
class Capabilities:
    """What a target can do; techniques and scorers check these before relying on them."""

    multi_turn: bool = True
    system_prompt: bool = True
    logprobs: bool = False
    whitebox: bool = False


@runtime_checkable
class Target(Protocol):
    """A system under test (or an attacker or judge model).

    A refusal, a filter block, an empty answer or a transport failure is a `Response` (with `error`
    set where no answer came), never an exception: the engine stores every outcome.
    """

    name: str
    capabilities: Capabilities

    def identity(self) -> ModelIdentity:
        """Which model answers; recorded with every attempt and release."""
        ...

    async def send(self, conversation: Conversation, *, params: GenerationParams | None = None) -> Response:
        """Send a conversation and return the response."""
        ...

    async def aclose(self) -> None:
        """Release connections, processes or model memory."""
        ...
