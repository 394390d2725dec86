"""A deterministic offline target for tests: echoes the prompt, or answers by rule (text or an error)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from typing import ClassVar, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from redline.core.provenance import ModelIdentity
from redline.core.runs.conversation import Conversation, ErrorKind, GenerationParams, Response, Usage
from redline.targets.base import Capabilities, TargetCapabilities
from redline.targets.spec import TargetSpec, parse_options


class EchoRule(BaseModel):
    """When the last user message matches `match`, answer `reply`, or fail with `error`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    match: str = Field(description="Regular expression searched (case-insensitive) in the last user message.")
    reply: str | None = Field(default=None, description="Text to answer with; '{prompt}' is replaced.")
    error: ErrorKind | None = Field(
        default=None, description="Fail with this error kind instead of answering."
    )
    retry_after_s: float | None = Field(default=None, ge=0, description="Wait asked for with a rate_limit.")
    blocked: bool = Field(default=False, description="Mark the answer as blocked by a filter.")

    @model_validator(mode="after")
    def _reply_or_error(self) -> Self:
        if (self.reply is None) == (self.error is None):
            raise ValueError("an echo rule needs exactly one of 'reply' or 'error'")
        return self


class EchoOptions(BaseModel):
    """Options of the `echo` adapter."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rules: tuple[EchoRule, ...] = Field(default=(), description="Rules tried in order; the first match wins.")
    reply: str = Field(
        default="Echo: {prompt}", description="Answer when no rule matches; '{prompt}' is replaced."
    )
    latency_ms: float = Field(default=0.0, ge=0, description="Simulated latency of each call.")


class EchoTarget:
    """Answers without a model: by rule, else by echoing; the same input always gives the same answer."""

    kind: ClassVar[str] = "echo"
    supports: ClassVar[TargetCapabilities] = TargetCapabilities(params=frozenset({"max_tokens"}))

    def __init__(
        self,
        name: str = "echo",
        *,
        rules: Sequence[EchoRule] = (),
        reply: str = "Echo: {prompt}",
        latency_ms: float = 0.0,
    ) -> None:
        self.name = name
        self.capabilities = Capabilities()
        self.rules = tuple(rules)
        self._compiled = [(re.compile(r.match, re.IGNORECASE), r) for r in self.rules]
        self.reply = reply
        self.latency_ms = latency_ms
        self.calls: list[Conversation] = []

    @classmethod
    def from_config(cls, spec: TargetSpec) -> Self:
        """Build from a workspace target."""
        opts = parse_options(EchoOptions, spec)
        return cls(spec.name, rules=opts.rules, reply=opts.reply, latency_ms=opts.latency_ms)

    def identity(self) -> ModelIdentity:
        """A fixed identity: the echo target is the same everywhere."""
        return ModelIdentity(provider=self.kind, name=self.name, version="1")

    async def send(self, conversation: Conversation, *, params: GenerationParams | None = None) -> Response:
        """Answer by the first matching rule, or with the default reply."""
        self.calls.append(conversation)
        if self.latency_ms:
            await asyncio.sleep(self.latency_ms / 1000.0)
        prompt = conversation.last_user_text
        usage = Usage(prompt_tokens=len(prompt.split()))
        for pattern, rule in self._compiled:
            if not pattern.search(prompt):
                continue
            if rule.error is not None:
                return Response(
                    error=rule.error,
                    error_detail=f"echo rule '{rule.match}' answers with {rule.error.value}",
                    retry_after_s=rule.retry_after_s,
                    blocked=rule.blocked or rule.error is ErrorKind.CONTENT_FILTER,
                    latency_ms=self.latency_ms,
                    usage=usage,
                )
            return self._answer(rule.reply or "", prompt, usage=usage, blocked=rule.blocked, params=params)
        return self._answer(self.reply, prompt, usage=usage, blocked=False, params=params)

    def _answer(
        self, template: str, prompt: str, *, usage: Usage, blocked: bool, params: GenerationParams | None
    ) -> Response:
        text = template.replace("{prompt}", prompt)
        if params is not None:
            text = " ".join(text.split(" ")[: max(1, params.max_tokens)])
        full = usage.model_copy(update={"completion_tokens": len(text.split())})
        if not text.strip():
            return Response(error=ErrorKind.EMPTY, error_detail="echo gave an empty answer", usage=full)
        return Response(
            text=text,
            latency_ms=self.latency_ms,
            usage=full,
            blocked=blocked,
            blocked_by="echo" if blocked else None,
            finish_reason="stop",
        )

    async def aclose(self) -> None:
        """Nothing to release."""
