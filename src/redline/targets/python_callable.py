"""Wrap any Python function as a target: `str -> str` or `Conversation -> str or Response`, sync or async."""

from __future__ import annotations

import asyncio
import importlib
import inspect
import time
from collections.abc import Awaitable, Callable, Mapping
from enum import StrEnum
from typing import Any, ClassVar, Self, get_type_hints

from pydantic import BaseModel, ConfigDict, Field

from redline.core.errors import ConfigError
from redline.core.provenance import ModelIdentity
from redline.core.runs.conversation import Conversation, ErrorKind, GenerationParams, Response
from redline.targets.base import Capabilities, TargetCapabilities, with_own_system_prompt, with_system_prompt
from redline.targets.spec import TargetSpec, parse_options

TargetFunction = Callable[[Any], Any] | Callable[[Any], Awaitable[Any]]


class CallInput(StrEnum):
    """What the wrapped function receives."""

    AUTO = "auto"
    PROMPT = "prompt"
    CONVERSATION = "conversation"


class CallableOptions(BaseModel):
    """Options of the `callable` adapter; `model` names the function as 'package.module:function'."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    input: CallInput = Field(
        default=CallInput.AUTO,
        description="'prompt' passes the last user message, 'conversation' the whole Conversation; "
        "'auto' reads the first parameter's annotation (prompt when absent).",
    )
    in_thread: bool = Field(default=True, description="Run a synchronous function in a worker thread.")


def import_function(ref: str, *, where: str = "callable target") -> TargetFunction:
    """The function named by 'package.module:function' (dots after the colon reach attributes)."""
    module_name, sep, attr = ref.partition(":")
    if not sep or not module_name or not attr:
        raise ConfigError(f"{where}: '{ref}' should look like 'package.module:function'", field="model")
    try:
        obj: Any = importlib.import_module(module_name)
    except ImportError as exc:
        raise ConfigError(f"{where}: cannot import module '{module_name}': {exc}", field="model") from None
    for part in attr.split("."):
        if not hasattr(obj, part):
            raise ConfigError(f"{where}: module '{module_name}' has no attribute '{attr}'", field="model")
        obj = getattr(obj, part)
    if not callable(obj):
        raise ConfigError(f"{where}: '{ref}' is not callable", field="model")
    fn: TargetFunction = obj
    return fn


def _wants_conversation(fn: TargetFunction) -> bool:
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return False
    if not params:
        return False
    annotation = params[0].annotation
    if isinstance(annotation, str):
        try:
            annotation = get_type_hints(fn).get(params[0].name, annotation)
        except Exception:  # unresolvable forward references: fall back to the name
            return "Conversation" in annotation
    return annotation is Conversation


class CallableTarget:
    """A Python function as a system under test; an exception it raises becomes an error Response."""

    kind: ClassVar[str] = "callable"
    # The function receives the prompt or the conversation only.
    supports: ClassVar[TargetCapabilities] = TargetCapabilities()

    def __init__(
        self,
        fn: TargetFunction,
        *,
        name: str | None = None,
        input: CallInput = CallInput.AUTO,
        system_prompt: str | None = None,
        in_thread: bool = True,
    ) -> None:
        self.fn = fn
        self.name = name or getattr(fn, "__name__", "callable")
        self._ref = f"{getattr(fn, '__module__', '?')}:{getattr(fn, '__qualname__', self.name)}"
        if input is CallInput.AUTO:
            input = CallInput.CONVERSATION if _wants_conversation(fn) else CallInput.PROMPT
        self.input = input
        self.capabilities = Capabilities(multi_turn=input is CallInput.CONVERSATION)
        self._system_prompt = system_prompt
        self._is_async = inspect.iscoroutinefunction(fn) or inspect.iscoroutinefunction(type(fn).__call__)
        self._in_thread = in_thread

    @classmethod
    def from_config(cls, spec: TargetSpec) -> Self:
        """Build from a workspace target whose `model` is 'package.module:function'."""
        if not spec.config.model:
            raise ConfigError(f"{spec.where}: model must name the function, as 'package.module:function'")
        opts = parse_options(CallableOptions, spec)
        fn = import_function(spec.config.model, where=spec.where)
        return cls(
            fn,
            name=spec.name,
            input=opts.input,
            system_prompt=spec.config.system_prompt,
            in_thread=opts.in_thread,
        )

    def identity(self) -> ModelIdentity:
        """The function's import path."""
        return ModelIdentity(provider=self.kind, name=self._ref)

    async def send(self, conversation: Conversation, *, params: GenerationParams | None = None) -> Response:
        """Call the function once; its answer (str, Response or None) becomes the Response."""
        convo = with_system_prompt(conversation, self._system_prompt)
        arg: Any = convo if self.input is CallInput.CONVERSATION else convo.last_user_text
        start = time.perf_counter()
        try:
            if self._is_async:
                result = await self.fn(arg)
            elif self._in_thread:
                result = await asyncio.to_thread(self.fn, arg)
            else:
                result = self.fn(arg)
            if inspect.isawaitable(result):
                result = await result
        except Exception as exc:  # the function is the system under test: its failure is an outcome
            return Response(
                error=ErrorKind.OTHER,
                error_detail=f"{self.name} raised {type(exc).__name__}: {exc}"[:500],
                latency_ms=(time.perf_counter() - start) * 1000.0,
            )
        latency = (time.perf_counter() - start) * 1000.0
        return self._to_response(result, latency_ms=latency)

    def _to_response(self, result: Any, *, latency_ms: float) -> Response:
        if isinstance(result, Response):
            return result if result.latency_ms else result.model_copy(update={"latency_ms": latency_ms})
        if result is None or (isinstance(result, str) and not result.strip()):
            return Response(
                text=result or "",
                error=ErrorKind.EMPTY,
                error_detail=f"{self.name} returned nothing",
                latency_ms=latency_ms,
            )
        if not isinstance(result, str):
            return Response(
                error=ErrorKind.OTHER,
                error_detail=f"{self.name} returned {type(result).__name__}; expected str or Response",
                latency_ms=latency_ms,
            )
        return Response(text=result, latency_ms=latency_ms, finish_reason="stop")

    def reconfigured(self, options: Mapping[str, Any]) -> tuple[CallableTarget, tuple[str, ...]]:
        """A copy deployed with another system prompt (`system_prompt`; empty removes it)."""
        return with_own_system_prompt(self, options)

    async def aclose(self) -> None:
        """Nothing to release."""
