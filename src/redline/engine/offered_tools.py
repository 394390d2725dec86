"""The tools a target is offered, read before the round so agentic techniques can plan from them.

A target offers tools through `options.tools` (the sandbox, MCP servers, retrieval as a search tool),
possibly on an inner target (`options.inner` of a `guarded` or `retrieval` target); a `retrieval`
target serves its corpus as context, which planning sees as a retrieval tool (the planted documents
go to the corpus, not into the conversation). Listing runs the providers' `list_tools` once, in a
worker thread with its own event loop (callers may already be inside one), then closes them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from redline.config.settings import TargetConfig
from redline.core.errors import ConfigError, RedlineError
from redline.core.runs.actions import ToolProvider, ToolSpec

LIST_TIMEOUT_S = 30.0
NO_TOOLS = (
    "agentic steps skipped: the target is offered no tools "
    "(give `redline scan --tools FILE` or a target's options.tools; docs/agents.md)"
)
"""The one line a plan prints when it leaves its tool-only steps out."""


def offered_tools(config: TargetConfig, *, where: str) -> tuple[ToolSpec, ...]:
    """The tools `config` offers (its own, its inner target's, a retrieval corpus), by first name."""
    from redline.targets.retrieval import RetrievalOptions
    from redline.targets.tool_loop import build_providers, parse_tools_config

    specs: list[ToolSpec] = []
    parsed = parse_tools_config(config.options.get("tools"), where=where)
    if parsed is not None:
        specs.extend(_listed(build_providers(parsed, where=where), where=where))
    inner = config.options.get("inner")
    if isinstance(inner, Mapping):
        try:
            inner_config = TargetConfig.model_validate(inner)
        except ValueError:
            inner_config = None  # building the target names the problem
        if inner_config is not None:
            specs.extend(offered_tools(inner_config, where=f"{where} inner"))
    if config.kind == "retrieval":
        fields = {k: v for k, v in config.options.items() if k in RetrievalOptions.model_fields}
        try:
            options = RetrievalOptions.model_validate({k: v for k, v in fields.items() if k != "corpus"})
        except ValueError:
            options = RetrievalOptions()
        specs.append(options.tool_spec())
    seen: dict[str, ToolSpec] = {}
    for spec in specs:
        seen.setdefault(spec.name, spec)
    return tuple(seen.values())


def _listed(providers: Sequence[ToolProvider], *, where: str) -> list[ToolSpec]:
    async def go() -> list[ToolSpec]:
        out: list[ToolSpec] = []
        try:
            for provider in providers:
                listed = await asyncio.wait_for(provider.list_tools(), LIST_TIMEOUT_S)
                out.extend(_with_samples(provider, listed))
        finally:
            for provider in providers:
                await provider.aclose()
        return out

    with ThreadPoolExecutor(max_workers=1) as pool:
        try:
            return pool.submit(asyncio.run, go()).result()
        except RedlineError:
            raise
        except Exception as exc:
            raise ConfigError(
                f"{where}: its tools could not be listed to plan the round: {type(exc).__name__}: {exc}"[
                    :300
                ],
                field="options.tools",
            ) from None


def _with_samples(provider: ToolProvider, listed: Sequence[ToolSpec]) -> list[ToolSpec]:
    """The listed tools with what the provider can say they answer (a sandbox's canned results), so
    planning can name the records its tools know; providers that cannot say give them as listed."""
    samples = getattr(provider, "samples", None)
    known = samples() if callable(samples) else {}
    answers = getattr(provider, "answered", None)
    answered = answers() if callable(answers) else {}
    known = known if isinstance(known, Mapping) else {}
    answered = answered if isinstance(answered, Mapping) else {}
    if not known and not answered:
        return list(listed)
    out = []
    for spec in listed:
        update: dict[str, Any] = {}
        if known.get(spec.name):
            update["samples"] = tuple(known[spec.name])
        if answered.get(spec.name):
            update["answered"] = dict(answered[spec.name])
        out.append(spec.model_copy(update=update) if update else spec)
    return out
