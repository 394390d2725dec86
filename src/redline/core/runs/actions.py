"""What an assistant did, not only what it said: the tools it was offered, the calls it made, what each
call returned, in order; and the one protocol every tool provider (the YAML sandbox, MCP servers, a
retrieval corpus) implements so the tool loop can drive any of them."""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field


class ToolSpec(BaseModel):
    """A tool as the model is offered it, plus what Redline knows about its consequences."""

    model_config = ConfigDict(frozen=True)

    name: str = Field(min_length=1, description="Name the model calls it by.")
    description: str = Field(default="", description="Description the model reads (may be poisoned).")
    parameters: dict[str, Any] = Field(
        default_factory=lambda: {"type": "object", "properties": {}},
        description="JSON schema of the arguments.",
    )
    provider: str = Field(default="sandbox", description="Who serves it: sandbox, mcp:NAME, retrieval.")
    irreversible: bool = Field(
        default=False, description="It changes the world in a way that cannot be undone (pay, delete, send)."
    )
    needs_confirmation: bool = Field(
        default=False, description="Policy: the user must confirm before the assistant calls it."
    )
    outbound: bool = Field(
        default=False, description="Its arguments leave the system (e-mail, web request, upload, message)."
    )
    constraints: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="Policy per argument: {arg: {pattern|enum|max|min|allowed_domains: ...}}.",
    )
    samples: tuple[str, ...] = Field(
        default=(),
        exclude=True,
        description="Texts the tool is known to answer (a sandbox's canned results and errors), for "
        "planning only: never offered to the model nor stored with a trace.",
    )
    answered: dict[str, tuple[str, ...]] = Field(
        default_factory=dict,
        exclude=True,
        description="Argument values the tool is known to answer with a result, not an error (a sandbox's "
        "scripted `when` values: the records that exist), for planning only.",
    )


class ToolCall(BaseModel):
    """One call the model asked for."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(description="The call id the model gave (or one Redline assigned).")
    name: str
    arguments: dict[str, Any] = Field(default_factory=dict, description="Parsed arguments.")
    raw_arguments: str | None = Field(default=None, description="Arguments as sent, when not valid JSON.")


class ToolOutcome(BaseModel):
    """What the provider returned for a call. Nothing is ever executed for real."""

    model_config = ConfigDict(frozen=True)

    content: str = Field(default="", description="Text handed back to the model as the tool result.")
    error: str | None = Field(default=None, description="Set when the call was refused or failed.")
    side_effects: tuple[str, ...] = Field(
        default=(), description="What the call would have done in the world (recorded, never performed)."
    )
    injected: bool = Field(
        default=False, description="The result carries content planted by a technique (poisoned result)."
    )


class ActionStep(BaseModel):
    """One step of the loop: the call and its outcome."""

    model_config = ConfigDict(frozen=True)

    index: int = Field(ge=0, description="Position in the trace, from 0.")
    turn: int = Field(default=0, ge=0, description="Which model turn asked for it.")
    call: ToolCall
    outcome: ToolOutcome
    provider: str = Field(default="sandbox")


class ActionTrace(BaseModel):
    """Everything an exchange did through tools."""

    model_config = ConfigDict(frozen=True)

    tools: tuple[ToolSpec, ...] = Field(default=(), description="Tools offered (as the model saw them).")
    steps: tuple[ActionStep, ...] = ()
    step_budget: int | None = Field(default=None, description="Most tool calls allowed in one exchange.")
    budget_exhausted: bool = Field(default=False, description="The loop stopped at the step budget.")

    @property
    def calls(self) -> tuple[ToolCall, ...]:
        """The calls in order."""
        return tuple(s.call for s in self.steps)

    def tool(self, name: str) -> ToolSpec | None:
        """The offered tool of that name."""
        return next((t for t in self.tools if t.name == name), None)


@runtime_checkable
class ToolProvider(Protocol):
    """Serves tools to the tool loop: the YAML sandbox, an MCP server, a retrieval corpus."""

    name: str

    async def list_tools(self) -> list[ToolSpec]:
        """The tools it offers now (an MCP server may change them between calls)."""
        ...

    async def call(self, call: ToolCall) -> ToolOutcome:
        """Answer one call; never raises for a bad call (an outcome with `error`)."""
        ...

    async def aclose(self) -> None:
        """Release what it holds (processes, connections); idempotent."""
        ...
