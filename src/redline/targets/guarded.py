"""A guarded application: a system prompt plus input and output guards around an inner target.

Red-teaming the application rather than the bare model measures what the deployment adds: how much a
system prompt and filters change the failure rates. Guards come in through the `Guard` protocol of
`redline.core.runs.guards`; scorers implement it, and a caller-provided resolver turns names into guards.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from typing import Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict, Field

from redline.config.settings import TargetConfig
from redline.core.errors import ConfigError
from redline.core.ids import content_hash
from redline.core.provenance import ModelIdentity
from redline.core.runs.conversation import Conversation, ErrorKind, GenerationParams, Response
from redline.core.runs.guards import Guard, GuardVerdict
from redline.targets.base import (
    GENERATION_PARAMS,
    Capabilities,
    Target,
    TargetCapabilities,
    with_system_prompt,
)
from redline.targets.spec import TargetSpec, parse_options

DEFAULT_REFUSAL = "Sorry, I can't help with that request."


class GuardedOptions(BaseModel):
    """Options of the `guarded` adapter; the application's system prompt is the target's system_prompt."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    inner: dict[str, Any] = Field(description="Configuration of the model behind the application.")
    input_guards: tuple[str, ...] = Field(default=(), description="Guards run on the user's message.")
    output_guards: tuple[str, ...] = Field(default=(), description="Guards run on the model's answer.")
    refusal_message: str = Field(
        default=DEFAULT_REFUSAL, description="What the application says when blocked."
    )


class GuardedTarget:
    """An application around a model: its system prompt first, guards before and after the model."""

    kind: ClassVar[str] = "guarded"
    # Generation parameters and log-probabilities pass through to the inner target (its own `supports`
    # says which it honours); the inner target's connections are its own.
    supports: ClassVar[TargetCapabilities] = TargetCapabilities(logprobs=True, params=GENERATION_PARAMS)

    def __init__(
        self,
        inner: Target,
        *,
        name: str | None = None,
        system_prompt: str | None = None,
        input_guards: Sequence[Guard] = (),
        output_guards: Sequence[Guard] = (),
        refusal_message: str = DEFAULT_REFUSAL,
    ) -> None:
        self.inner = inner
        self.name = name or f"guarded-{inner.name}"
        self.system_prompt = system_prompt
        self.input_guards = tuple(input_guards)
        self.output_guards = tuple(output_guards)
        self.refusal_message = refusal_message
        inner_caps = inner.capabilities
        self.capabilities = Capabilities(
            multi_turn=inner_caps.multi_turn, system_prompt=True, logprobs=inner_caps.logprobs, whitebox=False
        )

    @classmethod
    def from_config(cls, spec: TargetSpec) -> Self:
        """Build the inner target through the registry and resolve guard names with the caller's resolver."""
        opts = parse_options(GuardedOptions, spec)
        if spec.build is None:
            raise ConfigError(f"{spec.where}: build it with redline.targets.registry.target_from_config")
        try:
            inner_config = TargetConfig.model_validate(opts.inner)
        except ValueError as exc:
            raise ConfigError(f"{spec.where}: inner target: {exc}", field="options.inner") from None
        names = (*opts.input_guards, *opts.output_guards)
        if names and spec.guard_resolver is None:
            raise ConfigError(
                f"{spec.where}: guards {', '.join(names)} are named but no guard resolver was given",
                field="options.input_guards",
            )
        resolve = spec.guard_resolver
        return cls(
            spec.build(inner_config, f"{spec.name}.inner"),
            name=spec.name,
            system_prompt=spec.config.system_prompt,
            input_guards=[resolve(n) for n in opts.input_guards] if resolve else [],
            output_guards=[resolve(n) for n in opts.output_guards] if resolve else [],
            refusal_message=opts.refusal_message,
        )

    def identity(self) -> ModelIdentity:
        """The inner model's identity, its version marked with a hash of the prompt and guard names."""
        inner = self.inner.identity()
        setup = content_hash(
            {
                "system_prompt": self.system_prompt,
                "input": [g.name for g in self.input_guards],
                "output": [g.name for g in self.output_guards],
            }
        )[:12]
        version = f"{inner.version}+guarded.{setup}" if inner.version else f"guarded.{setup}"
        return inner.model_copy(update={"version": version})

    async def send(self, conversation: Conversation, *, params: GenerationParams | None = None) -> Response:
        """Check the input, ask the inner model, check its answer; a block answers with the refusal."""
        start = time.perf_counter()
        convo = with_system_prompt(conversation, self.system_prompt)
        verdict = await self._first_block(self.input_guards, convo.last_user_text, convo)
        if isinstance(verdict, Response):
            return verdict
        if verdict is not None:
            return self._blocked(verdict, stage="input", start=start)
        response = await self.inner.send(convo, params=params)
        if not response.ok or not self.output_guards:
            return response
        verdict = await self._first_block(self.output_guards, response.text, convo)
        if isinstance(verdict, Response):
            return verdict
        if verdict is not None:
            return self._blocked(verdict, stage="output", start=start, usage_of=response)
        return response

    async def _first_block(
        self, guards: Sequence[Guard], text: str, convo: Conversation
    ) -> GuardVerdict | Response | None:
        """The first blocking verdict in declared order (guards run concurrently), or None."""
        if not guards:
            return None
        results = await asyncio.gather(
            *(g.check(text, conversation=convo) for g in guards), return_exceptions=True
        )
        for guard, result in zip(guards, results, strict=True):
            if isinstance(result, BaseException):
                if not isinstance(result, Exception):
                    raise result
                return Response(
                    error=ErrorKind.OTHER,
                    error_detail=f"guard '{guard.name}' failed: {type(result).__name__}: {result}"[:500],
                )
            if result.blocked:
                return result if result.guard else GuardVerdict(True, result.reason, guard.name)
        return None

    def _blocked(
        self, verdict: GuardVerdict, *, stage: str, start: float, usage_of: Response | None = None
    ) -> Response:
        reason = f": {verdict.reason}" if verdict.reason else ""
        return Response(
            text=self.refusal_message,
            latency_ms=(time.perf_counter() - start) * 1000.0,
            usage=usage_of.usage if usage_of is not None else Response().usage,
            blocked=True,
            blocked_by=verdict.guard,
            error_detail=f"{stage} guard '{verdict.guard}' blocked{reason}",
            finish_reason="guard",
        )

    async def aclose(self) -> None:
        """Release the inner target."""
        await self.inner.aclose()
