"""Messages, conversations and the responses a target gives back (stage 3)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from redline.core.ids import content_hash
from redline.core.runs.actions import ActionTrace


class MessageRole(StrEnum):
    """Who speaks a message."""

    SYSTEM = "system"
    USER = "user"
    ASSISTANT = "assistant"
    TOOL = "tool"


class Message(BaseModel):
    """One turn of a conversation."""

    model_config = ConfigDict(frozen=True)

    role: MessageRole
    content: str


class Conversation(BaseModel):
    """An ordered list of messages sent to a target."""

    model_config = ConfigDict(frozen=True)

    messages: tuple[Message, ...] = Field(default=(), description="Messages in order, oldest first.")

    @classmethod
    def of(cls, prompt: str, *, system: str | None = None) -> Conversation:
        """A single-turn conversation with an optional system prompt."""
        msgs: list[Message] = []
        if system is not None:
            msgs.append(Message(role=MessageRole.SYSTEM, content=system))
        msgs.append(Message(role=MessageRole.USER, content=prompt))
        return cls(messages=tuple(msgs))

    def add(self, role: MessageRole, content: str) -> Conversation:
        """A new conversation with one more message."""
        return Conversation(messages=(*self.messages, Message(role=role, content=content)))

    @property
    def last_user_text(self) -> str:
        """The text of the latest user message, or an empty string."""
        for msg in reversed(self.messages):
            if msg.role is MessageRole.USER:
                return msg.content
        return ""

    def fingerprint(self) -> str:
        """Content hash of the conversation."""
        return content_hash(self.model_dump(mode="json"))


class TokenLogprob(BaseModel):
    """Log-probability of one generated token, with the top alternatives when the target gives them."""

    model_config = ConfigDict(frozen=True)

    token: str
    logprob: float
    top: dict[str, float] = Field(default_factory=dict, description="Top alternative tokens and logprobs.")


class Usage(BaseModel):
    """Token counts reported by the target."""

    model_config = ConfigDict(frozen=True)

    prompt_tokens: int = 0
    completion_tokens: int = 0


class ErrorKind(StrEnum):
    """Why an attempt produced no usable answer; stored as an outcome, never dropped."""

    RATE_LIMIT = "rate_limit"
    TIMEOUT = "timeout"
    SERVER_ERROR = "server_error"
    BAD_REQUEST = "bad_request"
    CONTENT_FILTER = "content_filter"
    EMPTY = "empty"
    CONNECTION = "connection"
    RUNTIME_CRASH = "runtime_crash"
    """A local model runtime (llama.cpp's worker process) crashed while answering."""
    OTHER = "other"


class Response(BaseModel):
    """What a target gave back for one conversation: text, or an error kind, never an exception."""

    model_config = ConfigDict(frozen=True)

    text: str = ""
    logprobs: tuple[TokenLogprob, ...] | None = Field(default=None, description="Per-token log-probs.")
    latency_ms: float = Field(default=0.0, description="Wall time of the call in milliseconds.")
    usage: Usage = Field(default_factory=Usage)
    error: ErrorKind | None = Field(default=None, description="Set when the attempt produced no answer.")
    error_detail: str | None = Field(default=None, description="Short text of what went wrong.")
    blocked: bool = Field(default=False, description="A guard or provider filter blocked the exchange.")
    blocked_by: str | None = Field(
        default=None, description="What blocked it: a guard's name, or 'provider' for a provider filter."
    )
    finish_reason: str | None = None
    retry_after_s: float | None = Field(
        default=None, description="Seconds the provider asked to wait before the next attempt."
    )
    actions: ActionTrace | None = Field(
        default=None, description="Tool calls made while answering, with their outcomes (agentic targets)."
    )

    @property
    def ok(self) -> bool:
        """True when the target answered with text and no error."""
        return self.error is None


class GenerationParams(BaseModel):
    """How a target should generate; part of the response-cache key."""

    model_config = ConfigDict(frozen=True)

    temperature: float = Field(default=0.0, ge=0.0, le=5.0)
    max_tokens: int = Field(default=256, ge=1)
    seed: int | None = Field(default=None, description="Seed passed to targets that accept one.")
    logprobs: bool = Field(default=False, description="Ask for token log-probabilities when offered.")
    top_logprobs: int = Field(default=0, ge=0, le=20)
