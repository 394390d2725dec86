"""The tool loop: model turn, tool calls, provider outcomes as tool messages, next turn, to a step budget.

Any chat adapter that can offer tools (`ToolChatModel`) and any tool source (`ToolProvider`: the YAML
sandbox, MCP servers, a retrieval corpus) meet here. The loop stops when the model answers with text
and no calls, or when the step budget (tool calls per exchange) is spent; the final `Response` carries
the `ActionTrace` (tools offered, every call with its arguments and outcome) in `actions`.

What a case planted (`planted_tool_results`, `tool_description_overrides`, see `core.runs.case_params`)
reaches the loop through `case_scope`, set by the engine around each case: planted text is added to
(or replaces) the outcome of that tool's calls and marked `injected=True`, whatever the provider.

Tool options of a target (`options.tools`) name providers by key; `build_providers` builds them
through `PROVIDER_KINDS` (key -> "module:function"), which other tool sources extend.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Protocol

from redline.core.errors import ConfigError
from redline.core.runs.actions import ActionStep, ActionTrace, ToolCall, ToolOutcome, ToolProvider, ToolSpec
from redline.core.runs.case_params import (
    PLANT_ERROR,
    PLANT_REPLACE,
    PlantedResult,
    planted_tool_results,
    tool_description_overrides,
)
from redline.core.runs.conversation import Conversation, ErrorKind, GenerationParams, Response, Usage

DEFAULT_STEP_BUDGET = 8
MAX_STEP_BUDGET = 200
BUDGET_FINISH = "tool_budget"
"""`Response.finish_reason` when the loop stopped at the step budget."""

_CASE_PARAMS: ContextVar[Mapping[str, Any] | None] = ContextVar("redline_case_params", default=None)


@contextmanager
def case_scope(params: Mapping[str, Any]) -> Iterator[None]:
    """Within the block, tool loops and providers read this case's params (the engine sets it per case)."""
    token = _CASE_PARAMS.set(params)
    try:
        yield
    finally:
        _CASE_PARAMS.reset(token)


def current_case_params() -> Mapping[str, Any]:
    """The params of the case being sent (empty outside a case)."""
    return _CASE_PARAMS.get() or {}


@dataclass(frozen=True)
class ToolRound:
    """One model turn that asked for tools: its text, the calls it made and their outcomes, aligned."""

    text: str
    calls: tuple[ToolCall, ...]
    outcomes: tuple[ToolOutcome, ...]
    legacy: bool = False
    """The model used the legacy single `function_call` form (answered with a `function` message)."""


@dataclass(frozen=True)
class ModelTurn:
    """What the model gave back for one request: the Response (text, usage, error) and its tool calls."""

    response: Response
    calls: tuple[ToolCall, ...] = ()
    legacy: bool = False


class ToolChatModel(Protocol):
    """A chat adapter that can offer tools and read the model's tool calls."""

    name: str

    async def tool_turn(
        self,
        conversation: Conversation,
        history: Sequence[ToolRound],
        tools: Sequence[ToolSpec],
        params: GenerationParams,
    ) -> ModelTurn:
        """One request: the conversation, then the tool rounds so far; never raises."""
        ...


def _plant(outcome: ToolOutcome, planted: Mapping[str, PlantedResult], name: str) -> ToolOutcome:
    found = planted.get(name)
    if found is None:
        return outcome
    if found.mode == PLANT_ERROR:  # the call fails with the planted text as its error
        return outcome.model_copy(
            update={"content": "", "error": found.text, "side_effects": (), "injected": True}
        )
    if found.mode == PLANT_REPLACE or not outcome.content:
        content = found.text
    else:
        content = f"{outcome.content}\n{found.text}"
    return outcome.model_copy(update={"content": content, "error": None, "injected": True})


async def _safe_call(provider: ToolProvider, call: ToolCall) -> ToolOutcome:
    try:
        return await provider.call(call)
    except Exception as exc:  # a provider that breaks its promise never ends the exchange
        return ToolOutcome(error=f"{provider.name} failed: {type(exc).__name__}: {exc}"[:500])


@dataclass
class ToolLoop:
    """Drives a `ToolChatModel` through its tool calls, served by `providers`, up to `step_budget` calls."""

    providers: Sequence[ToolProvider]
    step_budget: int = DEFAULT_STEP_BUDGET

    async def offered(self) -> dict[str, tuple[ToolSpec, ToolProvider]]:
        """Tools by name with the provider serving each (the first provider wins a name clash)."""
        out: dict[str, tuple[ToolSpec, ToolProvider]] = {}
        for provider in self.providers:
            for spec in await provider.list_tools():
                out.setdefault(spec.name, (spec, provider))
        return out

    async def run(
        self, model: ToolChatModel, conversation: Conversation, params: GenerationParams
    ) -> Response:
        """The exchange to its end; the Response carries the action trace. Never raises."""
        start = time.perf_counter()
        case = current_case_params()
        planted = planted_tool_results(case)
        overrides = tool_description_overrides(case)
        try:
            offered = await self.offered()
        except Exception as exc:
            detail = f"{model.name}: tools could not be listed: {type(exc).__name__}: {exc}"[:500]
            return Response(error=ErrorKind.OTHER, error_detail=detail, actions=ActionTrace())
        tools = tuple(
            spec.model_copy(update={"description": overrides[name]}) if name in overrides else spec
            for name, (spec, _) in offered.items()
        )
        steps: list[ActionStep] = []
        history: list[ToolRound] = []
        prompt = completion = 0
        last_text = ""
        turn = 0

        def trace(exhausted: bool = False) -> ActionTrace:
            return ActionTrace(
                tools=tools, steps=tuple(steps), step_budget=self.step_budget, budget_exhausted=exhausted
            )

        def total(response: Response, **update: Any) -> Response:
            usage = Usage(prompt_tokens=prompt, completion_tokens=completion)
            latency = (time.perf_counter() - start) * 1000
            return response.model_copy(update={"usage": usage, "latency_ms": latency, **update})

        while True:
            try:
                turned = await model.tool_turn(conversation, history, tools, params)
            except (TimeoutError, ConnectionError, OSError):
                raise  # the scheduler turns these into timeout and connection outcomes
            except Exception as exc:  # an adapter bug ends the exchange, with what it did so far
                detail = f"{model.name}: {type(exc).__name__}: {exc}"[:500]
                return total(Response(error=ErrorKind.OTHER, error_detail=detail), actions=trace())
            reply = turned.response
            prompt += reply.usage.prompt_tokens
            completion += reply.usage.completion_tokens
            if reply.text.strip():
                last_text = reply.text
            if not turned.calls:
                return total(reply, actions=trace())
            if reply.error is not None and reply.error is not ErrorKind.EMPTY:
                return total(reply, actions=trace())
            done: list[ToolOutcome] = []
            exhausted = False
            for call in turned.calls:
                if len(steps) >= self.step_budget:
                    exhausted = True
                    break
                entry = offered.get(call.name)
                if entry is None:
                    outcome = ToolOutcome(error=f"no tool named '{call.name}' is offered")
                    provider_name = "none"
                else:
                    outcome = _plant(await _safe_call(entry[1], call), planted, call.name)
                    provider_name = entry[0].provider
                steps.append(
                    ActionStep(
                        index=len(steps), turn=turn, call=call, outcome=outcome, provider=provider_name
                    )
                )
                done.append(outcome)
            if exhausted:
                final = Response(text=last_text, finish_reason=BUDGET_FINISH)
                return total(final, actions=trace(exhausted=True))
            history.append(
                ToolRound(text=reply.text, calls=turned.calls, outcomes=tuple(done), legacy=turned.legacy)
            )
            turn += 1

    async def aclose(self) -> None:
        """Close every provider."""
        for provider in self.providers:
            await provider.aclose()


ProviderBuilder = Callable[[Any, str], Sequence[ToolProvider]]
"""Builds the providers of one key of `options.tools` from its value and the target's `where` (`target
'name' (kind)`), raising ConfigError naming the field. It runs when the target is built, synchronously:
a provider that must connect (an MCP session) connects on its first `list_tools` or `call`."""

PROVIDER_KINDS: dict[str, str] = {
    "sandbox": "redline.targets.sandbox:build_sandbox_providers",
    "mcp": "redline.targets.mcp_provider:build_mcp_providers",
    "retrieval": "redline.targets.retrieval:build_retrieval_providers",
}
"""Keys of `options.tools` that name tool sources -> "module:function" of their `ProviderBuilder`."""


def register_provider_kind(key: str, target: str) -> None:
    """Let `options.tools.<key>` build providers with the function named "module:function"."""
    PROVIDER_KINDS[key] = target


@dataclass(frozen=True)
class ToolsConfig:
    """A target's `options.tools`, validated: the step budget and the provider keys with their values."""

    step_budget: int = DEFAULT_STEP_BUDGET
    sources: tuple[tuple[str, Any], ...] = ()


def parse_tools_config(raw: Any, *, where: str) -> ToolsConfig | None:
    """`options.tools` of a target checked; None when absent. Errors name the target and the field."""
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        raise ConfigError(
            f"{where}: options.tools must be a mapping such as {{sandbox: tools.yaml, step_budget: 8}}",
            field="options.tools",
        )
    known = sorted({*PROVIDER_KINDS, "step_budget"})
    budget = raw.get("step_budget", DEFAULT_STEP_BUDGET)
    if isinstance(budget, bool) or not isinstance(budget, int) or not 1 <= budget <= MAX_STEP_BUDGET:
        raise ConfigError(
            f"{where}: step_budget must be a whole number from 1 to {MAX_STEP_BUDGET}, not {budget!r}",
            field="options.tools.step_budget",
        )
    sources = []
    for key, value in raw.items():
        if key == "step_budget":
            continue
        if key not in PROVIDER_KINDS:
            raise ConfigError(
                f"{where}: unknown key '{key}' in options.tools (known: {', '.join(known)})",
                field=f"options.tools.{key}",
            )
        sources.append((str(key), value))
    if not sources:
        raise ConfigError(
            f"{where}: options.tools names no tool source (one of: {', '.join(sorted(PROVIDER_KINDS))})",
            field="options.tools",
        )
    return ToolsConfig(step_budget=budget, sources=tuple(sources))


def _builder(key: str) -> ProviderBuilder:
    module, _, name = PROVIDER_KINDS[key].partition(":")
    found = getattr(importlib.import_module(module), name)
    assert callable(found)
    return found  # type: ignore[no-any-return]


def build_providers(config: ToolsConfig, *, where: str) -> list[ToolProvider]:
    """The providers `options.tools` names, in the order written."""
    out: list[ToolProvider] = []
    for key, value in config.sources:
        out.extend(_builder(key)(value, where))
    return out
