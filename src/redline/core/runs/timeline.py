"""An action trace as a timeline a reader follows next to the messages: each step (tool, arguments
pretty-printed, outcome, side effects, error, injected content and planted markers highlighted), then
the final answer.

Pages and reports build it from a trace whose texts they have already masked (personal data); the
external (redacted) form keeps tool names, errors as a yes/no and the verdicts, and masks every
argument value and outcome.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from redline.core.runs import case_params
from redline.core.runs.actions import ActionTrace

MASKED = "[masked]"
_OUTCOME_MAX = 1200


class Segment(BaseModel):
    """A run of text, highlighted when it is a planted marker."""

    model_config = ConfigDict(frozen=True)

    text: str
    marked: bool = False


class TimelineStep(BaseModel):
    """One tool call as a reader sees it."""

    model_config = ConfigDict(frozen=True)

    number: int = Field(ge=1, description="Position in the trace, from 1.")
    tool: str = Field(description="Tool called.")
    provider: str = Field(default="sandbox", description="Who served it.")
    offered: bool = Field(default=True, description="False when the tool was not among those offered.")
    flags: tuple[str, ...] = Field(default=(), description="irreversible, outbound, needs confirmation.")
    arguments: tuple[Segment, ...] = Field(default=(), description="Arguments, pretty-printed JSON.")
    outcome: tuple[Segment, ...] = Field(default=(), description="What the tool returned.")
    error: str | None = Field(default=None, description="Error of the call, when it failed.")
    side_effects: tuple[str, ...] = Field(default=(), description="What it would have done (never done).")
    injected: bool = Field(default=False, description="The result carries planted content.")


class ActionTimeline(BaseModel):
    """The steps of one exchange, then its final answer."""

    model_config = ConfigDict(frozen=True)

    steps: tuple[TimelineStep, ...] = ()
    offered: tuple[str, ...] = Field(default=(), description="Tools offered.")
    step_budget: int | None = None
    budget_exhausted: bool = False
    final_answer: tuple[Segment, ...] = Field(default=(), description="The assistant's final text.")
    redacted: bool = Field(default=False, description="Arguments and outcomes masked (external copies).")


def planted_markers(params: Mapping[str, Any]) -> list[str]:
    """What a timeline highlights: a case's planted strings, exfiltration markers and attacker targets."""
    found = [
        *case_params.planted_strings(params),
        *case_params.exfil_markers(params),
        *case_params.attacker_targets(params),
    ]
    return list(dict.fromkeys(found))


def segments(text: str, markers: Sequence[str] = ()) -> tuple[Segment, ...]:
    """The text cut so each occurrence of a marker (case-insensitive) is its own highlighted segment."""
    found = [m for m in dict.fromkeys(markers) if m and len(m.strip()) >= 3]
    if not text:
        return ()
    if not found:
        return (Segment(text=text),)
    pattern = re.compile("|".join(re.escape(m) for m in sorted(found, key=len, reverse=True)), re.IGNORECASE)
    out: list[Segment] = []
    at = 0
    for m in pattern.finditer(text):
        if m.start() > at:
            out.append(Segment(text=text[at : m.start()]))
        out.append(Segment(text=m.group(), marked=True))
        at = m.end()
    if at < len(text):
        out.append(Segment(text=text[at:]))
    return tuple(out)


def pretty(arguments: Any) -> str:
    """Arguments as indented JSON (sorted keys; non-JSON values as text)."""
    return json.dumps(arguments, indent=2, ensure_ascii=False, sort_keys=True, default=str)


def _masked_arguments(arguments: dict[str, Any]) -> dict[str, str]:
    return dict.fromkeys(arguments, MASKED)


def _clip(text: str) -> str:
    return text if len(text) <= _OUTCOME_MAX else text[: _OUTCOME_MAX - 1] + "…"


def build_timeline(
    trace: ActionTrace, final_answer: str = "", *, markers: Sequence[str] = (), redacted: bool = False
) -> ActionTimeline:
    """The timeline of a trace (texts as given: mask them first), markers highlighted; `redacted`
    masks argument values, outcomes, side effects and errors, keeping tool names and the shape."""
    steps = []
    for step in trace.steps:
        spec = trace.tool(step.call.name)
        flags = tuple(
            name
            for name, on in (
                ("irreversible", spec is not None and spec.irreversible),
                ("outbound", spec is not None and spec.outbound),
                ("needs confirmation", spec is not None and spec.needs_confirmation),
            )
            if on
        )
        call, outcome = step.call, step.outcome
        if redacted:
            args = pretty(_masked_arguments(call.arguments)) if call.arguments else MASKED
            steps.append(
                TimelineStep(
                    number=step.index + 1,
                    tool=call.name,
                    provider=step.provider,
                    offered=spec is not None or not trace.tools,
                    flags=flags,
                    arguments=(Segment(text=args),),
                    outcome=(Segment(text=MASKED),) if outcome.content else (),
                    error=MASKED if outcome.error else None,
                    side_effects=tuple(MASKED for _ in outcome.side_effects),
                    injected=outcome.injected,
                )
            )
            continue
        shown = call.arguments if call.arguments or not call.raw_arguments else call.raw_arguments
        steps.append(
            TimelineStep(
                number=step.index + 1,
                tool=call.name,
                provider=step.provider,
                offered=spec is not None or not trace.tools,
                flags=flags,
                arguments=segments(pretty(shown) if not isinstance(shown, str) else shown, markers),
                outcome=segments(_clip(outcome.content), markers),
                error=outcome.error,
                side_effects=outcome.side_effects,
                injected=outcome.injected,
            )
        )
    return ActionTimeline(
        steps=tuple(steps),
        offered=tuple(t.name for t in trace.tools),
        step_budget=trace.step_budget,
        budget_exhausted=trace.budget_exhausted,
        final_answer=(
            (Segment(text=MASKED),) if redacted and final_answer else segments(final_answer, markers)
        ),
        redacted=redacted,
    )
