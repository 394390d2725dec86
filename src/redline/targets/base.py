"""The Target protocol: async send(conversation) -> Response, with declared capabilities (stage 1)."""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar, runtime_checkable

from redline.core.provenance import ModelIdentity
from redline.core.runs.conversation import (
    Conversation,
    GenerationParams,
    Message,
    MessageRole,
    Response,
    TokenLogprob,
)


@dataclass(frozen=True)
class Capabilities:
    """What a target can do; techniques and scorers check these before relying on them."""

    multi_turn: bool = True
    system_prompt: bool = True
    logprobs: bool = False
    whitebox: bool = False


GENERATION_PARAMS = frozenset(GenerationParams.model_fields)
"""Every generation parameter a caller may pass to `send`."""


@dataclass(frozen=True)
class TargetCapabilities:
    """What an adapter kind offers whatever its configuration, declared on its class.

    Read without building a target (the launcher checks pooling against the concurrency asked for);
    `Capabilities` on an instance says what that configured target can do.
    """

    pool: int | None = None
    """Keep-alive connections pooled when `options.max_connections` is not set; None: no connection pool."""
    logprobs: bool = False
    """Can return token log-probabilities (`GenerationParams.logprobs`)."""
    tools: bool = False
    """Passes tool definitions to the model and returns its tool calls."""
    params: frozenset[str] = frozenset()
    """The `GenerationParams` fields it honours; it ignores the others."""

    def __post_init__(self) -> None:
        unknown = sorted(self.params - GENERATION_PARAMS)
        if unknown:
            raise ValueError(f"unknown generation parameters {unknown}; known: {sorted(GENERATION_PARAMS)}")


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


@runtime_checkable
class Reconfigurable(Protocol):
    """A target that can give a copy of itself deployed with some options changed.

    Operator-error sweeps use it to send a case as a mis-configured deployment would (its system prompt
    emptied, say). The copy shares the original's connections and model; only the original is closed.
    """

    def reconfigured(self, options: Mapping[str, Any]) -> tuple[Target, tuple[str, ...]]:
        """The copy with `options` applied, and the names of the options it applied (others are ignored)."""
        ...


T = TypeVar("T")


def with_own_system_prompt(
    target: T, options: Mapping[str, Any], *, attr: str = "_system_prompt"
) -> tuple[T, tuple[str, ...]]:
    """A shallow copy of `target` with the deployment system prompt (held in `attr`) from `options`.

    `options["system_prompt"]` replaces it; an empty string removes it. The helper behind adapters'
    `reconfigured`; other options are left alone.
    """
    if "system_prompt" not in options:
        return target, ()
    derived = copy.copy(target)
    setattr(derived, attr, options["system_prompt"] or None)
    return derived, ("system_prompt",)


@dataclass(frozen=True)
class TokenGradients:
    """Gradient of a target continuation's loss with respect to one-hot input tokens (what GCG needs)."""

    input_ids: tuple[int, ...]
    span: tuple[int, int]
    """Positions [start, end) of the input tokens the gradient rows belong to."""
    target_ids: tuple[int, ...]
    loss: float
    """Mean cross-entropy of the target tokens after the input."""
    grad: Any
    """A float32 CPU tensor of shape [end - start, vocabulary size]."""


@runtime_checkable
class WhiteBoxTarget(Target, Protocol):
    """A target whose weights are open: token probabilities of any continuation, entropy, gradients.

    Check `capabilities.whitebox` before relying on it. Token ids are plain ints; only `grad` and
    `logits` give tensors.
    """

    async def encode(self, conversation: Conversation) -> list[int]:
        """Token ids of the conversation as the model reads it, ready for the assistant's turn."""
        ...

    async def decode(self, token_ids: Sequence[int]) -> str:
        """Text of token ids."""
        ...

    async def logits(self, conversation: Conversation, continuation: str) -> Any:
        """Logits [continuation tokens, vocabulary] at the positions that predict the continuation."""
        ...

    async def token_logprobs(
        self, conversation: Conversation, continuation: str, *, top: int = 0
    ) -> tuple[TokenLogprob, ...]:
        """Log-probability of each token of `continuation` as the answer to `conversation`."""
        ...

    async def entropy(self, conversation: Conversation, continuation: str | None = None) -> list[float]:
        """Next-token entropy (nats) at each position of `continuation`, or of a greedy answer if None."""
        ...

    async def gradients(
        self, conversation: Conversation, target: str, *, span: str | None = None
    ) -> TokenGradients:
        """Gradient of the loss of `target` w.r.t. one-hot tokens of `span` (default: last user message)."""
        ...

    async def input_gradients(
        self, input_ids: Sequence[int], *, span: tuple[int, int], target_ids: Sequence[int]
    ) -> TokenGradients:
        """`gradients` on token ids, for loops that edit tokens directly."""
        ...

    async def target_losses(
        self, candidates: Sequence[Sequence[int]], target_ids: Sequence[int]
    ) -> list[float]:
        """Loss of `target_ids` after each candidate input, batched: GCG's candidate evaluation."""
        ...


def with_system_prompt(conversation: Conversation, system_prompt: str | None) -> Conversation:
    """The conversation as the deployment sees it: its own system prompt first.

    A case may bring system messages of its own; they are merged after the deployment's prompt into one
    leading system message, because many chat templates accept only one, and only at the start.
    """
    if not system_prompt:
        return conversation
    msgs = conversation.messages
    lead = 0
    while lead < len(msgs) and msgs[lead].role is MessageRole.SYSTEM:
        lead += 1
    text = "\n\n".join([system_prompt, *(m.content for m in msgs[:lead])])
    return Conversation(messages=(Message(role=MessageRole.SYSTEM, content=text), *msgs[lead:]))
