"""Adapter for OpenAI-compatible chat-completion APIs (OpenAI, Azure OpenAI, vLLM, llama.cpp server, ...)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, ClassVar, Self
from urllib.parse import urlencode

from pydantic import BaseModel, ConfigDict, Field

from redline.core.errors import ConfigError
from redline.core.provenance import ModelIdentity
from redline.core.runs.actions import ToolCall, ToolSpec
from redline.core.runs.conversation import (
    Conversation,
    ErrorKind,
    GenerationParams,
    Response,
    Usage,
)
from redline.core.secrets import redact_text
from redline.targets.base import (
    GENERATION_PARAMS,
    Capabilities,
    Target,
    TargetCapabilities,
    with_own_system_prompt,
    with_system_prompt,
)
from redline.targets.chat_format import parse_logprobs, to_messages
from redline.targets.http_pool import HttpFailure, HttpPool
from redline.targets.http_reply import read_reply
from redline.targets.preflight import (
    PREFLIGHT_PROMPT,
    PreflightProblem,
    not_a_chat_completion,
    reply_problem,
    transport_problem,
)
from redline.targets.spec import TargetSpec, parse_options, static_headers
from redline.targets.tool_loop import ModelTurn, ToolLoop, ToolRound, build_providers, parse_tools_config


class OpenAICompatOptions(BaseModel):
    """Options of the `openai-compat` adapter (the `options:` mapping of a target in redline.yaml)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    timeout_s: float = Field(
        default=60.0, gt=0, description="Seconds before one request counts as timed out."
    )
    max_connections: int = Field(default=64, ge=1, description="Pooled keep-alive connections to the API.")
    path: str = Field(default="/chat/completions", description="Path of the endpoint below base_url.")
    query: dict[str, str] = Field(
        default_factory=dict, description="Query parameters on every request, e.g. Azure's api-version."
    )
    api_key_header: str = Field(
        default="Authorization",
        description="Header carrying the key: 'Authorization' sends 'Bearer KEY'; any other sends KEY as is.",
    )
    headers: dict[str, str] = Field(
        default_factory=dict, description="Non-secret headers sent as written (secrets go in headers_env)."
    )
    extra_body: dict[str, Any] = Field(
        default_factory=dict, description="Fields merged into every request body (top_p, stop, ...)."
    )
    temperature: float | None = Field(
        default=None, description="Temperature when a call gives no parameters."
    )
    max_tokens: int | None = Field(
        default=None, ge=1, description="Token limit when a call gives no parameters."
    )
    seed: int | None = Field(default=None, description="Seed when a call gives no parameters.")
    version: str | None = Field(default=None, description="Model version label recorded in the identity.")
    proxy_from_env: bool = Field(default=False, description="Honour HTTP(S)_PROXY and NO_PROXY.")
    tools: dict[str, Any] | None = Field(
        default=None,
        description="Tools offered to the model: {sandbox: PATH, mcp: [servers], step_budget: N} "
        "(docs/agents.md); the tool loop answers its calls and the attempt stores every call.",
    )


class OpenAICompatTarget:
    """A chat model behind an OpenAI-compatible HTTP API; one attempt per `send`, outcome in the Response."""

    kind: ClassVar[str] = "openai-compat"
    supports: ClassVar[TargetCapabilities] = TargetCapabilities(
        pool=OpenAICompatOptions.model_fields["max_connections"].default,
        logprobs=True,
        tools=True,
        params=GENERATION_PARAMS,
    )

    def __init__(
        self,
        *,
        base_url: str,
        model: str,
        name: str = "openai-compat",
        api_key: str | None = None,
        headers: Mapping[str, str] | None = None,
        system_prompt: str | None = None,
        options: OpenAICompatOptions | None = None,
        tool_loop: ToolLoop | None = None,
    ) -> None:
        self.name = name
        self.capabilities = Capabilities(logprobs=True)
        self._options = opts = options or OpenAICompatOptions()
        self._model = model
        self._system_prompt = system_prompt
        query = urlencode(opts.query)
        self._base_url = base_url
        self._url = base_url.rstrip("/") + "/" + opts.path.lstrip("/") + (f"?{query}" if query else "")
        self._secret = api_key
        hdrs = {"Content-Type": "application/json", "Accept": "application/json"}
        hdrs.update(static_headers(opts.headers, where=f"target '{name}'"))
        hdrs.update(headers or {})
        if api_key:
            is_bearer = opts.api_key_header.lower() == "authorization"
            hdrs[opts.api_key_header] = f"Bearer {api_key}" if is_bearer else api_key
        self._headers = hdrs
        self._defaults = GenerationParams(
            temperature=opts.temperature if opts.temperature is not None else 0.0,
            max_tokens=opts.max_tokens or 256,
            seed=opts.seed,
        )
        self._pool = HttpPool(
            max_connections=opts.max_connections, timeout_s=opts.timeout_s, trust_env=opts.proxy_from_env
        )
        self._tool_loop = tool_loop

    @classmethod
    def from_config(cls, spec: TargetSpec) -> Self:
        """Build from a workspace target; base_url and model are required."""
        cfg = spec.config
        if not cfg.base_url:
            raise ConfigError(f"{spec.where}: base_url is required (e.g. https://api.example.com/v1)")
        if not cfg.model:
            raise ConfigError(f"{spec.where}: model is required (the name the API knows the model by)")
        options = parse_options(OpenAICompatOptions, spec)
        tools = parse_tools_config(options.tools, where=spec.where)
        loop = (
            ToolLoop(build_providers(tools, where=spec.where), step_budget=tools.step_budget)
            if tools is not None
            else None
        )
        return cls(
            base_url=cfg.base_url,
            model=cfg.model,
            name=spec.name,
            api_key=spec.api_key,
            headers=spec.headers,
            system_prompt=cfg.system_prompt,
            options=options,
            tool_loop=loop,
        )

    def identity(self) -> ModelIdentity:
        """The model name the API serves, with the configured version label."""
        return ModelIdentity(provider=self.kind, name=self._model, version=self._options.version)

    def request_body(self, conversation: Conversation, params: GenerationParams) -> dict[str, Any]:
        """The JSON body sent for one conversation."""
        convo = with_system_prompt(conversation, self._system_prompt)
        body: dict[str, Any] = {
            "model": self._model,
            "messages": to_messages(convo),
            "temperature": params.temperature,
            "max_tokens": params.max_tokens,
        }
        if params.seed is not None:
            body["seed"] = params.seed
        if params.logprobs:
            body["logprobs"] = True
            if params.top_logprobs:
                body["top_logprobs"] = params.top_logprobs
        if self._options.extra_body:
            body.update({k: v for k, v in self._options.extra_body.items() if k != "tools"})
        return body

    def tool_request_body(
        self,
        conversation: Conversation,
        history: Sequence[ToolRound],
        tools: Sequence[ToolSpec],
        params: GenerationParams,
    ) -> dict[str, Any]:
        """The JSON body of one turn of the tool loop: the conversation, the tool rounds so far, the tools."""
        body = self.request_body(conversation, params)
        messages: list[dict[str, Any]] = body["messages"]
        for rnd in history:
            messages += tool_round_messages(rnd)
        if tools:
            body["tools"] = [tool_definition(t) for t in tools]
        return body

    async def send(self, conversation: Conversation, *, params: GenerationParams | None = None) -> Response:
        """One chat-completion request, or with tools configured the whole tool loop; never raises."""
        p = params or self._defaults
        if self._tool_loop is not None:
            return await self._tool_loop.run(self, conversation, p)
        turn = await self._turn(self.request_body(conversation, p), want_logprobs=p.logprobs)
        return turn.response

    async def tool_turn(
        self,
        conversation: Conversation,
        history: Sequence[ToolRound],
        tools: Sequence[ToolSpec],
        params: GenerationParams,
    ) -> ModelTurn:
        """One request of the tool loop: the answer and the tool calls it asks for."""
        body = self.tool_request_body(conversation, history, tools, params)
        return await self._turn(body, want_logprobs=params.logprobs)

    async def _turn(self, body: dict[str, Any], *, want_logprobs: bool) -> ModelTurn:
        payload = json.dumps(body).encode()
        reply = await self._pool.request("POST", self._url, body=payload, headers=self._headers)
        answer = read_reply(reply, name=self.name, scrub=self._scrub)
        if isinstance(answer, Response):
            return ModelTurn(response=answer)
        response = self._parse(
            answer.data, answer.reply.body, latency_ms=answer.reply.latency_ms, want_logprobs=want_logprobs
        )
        calls, legacy = parse_tool_calls(answer.data)
        return ModelTurn(response=response, calls=calls, legacy=legacy)

    async def preflight(self) -> PreflightProblem | None:
        """One chat completion of at most one token: None when the API answers as one, else what came back."""
        body = self.request_body(Conversation.of(PREFLIGHT_PROMPT), GenerationParams(max_tokens=1))
        reply = await self._pool.request(
            "POST", self._url, body=json.dumps(body).encode(), headers=self._headers
        )
        url = self._scrub(self._url)
        problem: PreflightProblem | None
        if isinstance(reply, HttpFailure):
            problem = transport_problem(reply, url=url)
        else:
            problem = reply_problem(
                reply, url=url, misread=not_a_chat_completion, v1_base=self._scrub(self._base_url)
            )
        return None if problem is None else replace(problem, what=self._scrub(problem.what))

    def _parse(self, data: Any, raw: bytes, *, latency_ms: float, want_logprobs: bool) -> Response:
        try:
            choice = data["choices"][0]
            message = choice.get("message") or {}
        except (TypeError, KeyError, IndexError, AttributeError):
            snippet = raw[:200].decode("utf-8", "replace")
            return Response(
                error=ErrorKind.OTHER,
                error_detail=self._scrub(f"{self.name} answered without choices: {snippet}"),
                latency_ms=latency_ms,
            )
        text = message.get("content") or message.get("refusal") or ""
        if not isinstance(text, str):  # content parts
            text = "".join(str(part.get("text", "")) for part in text if isinstance(part, dict))
        finish = choice.get("finish_reason")
        raw_usage = data.get("usage") or {}
        usage = Usage(
            prompt_tokens=raw_usage.get("prompt_tokens") or 0,
            completion_tokens=raw_usage.get("completion_tokens") or 0,
        )
        logprobs = parse_logprobs(choice.get("logprobs")) if want_logprobs else None
        if finish == "content_filter":
            return Response(
                text=text,
                logprobs=logprobs,
                latency_ms=latency_ms,
                usage=usage,
                error=ErrorKind.CONTENT_FILTER,
                error_detail=f"{self.name}: the provider's content filter stopped the answer",
                blocked=True,
                blocked_by="provider",
                finish_reason=finish,
            )
        if not text.strip():
            calls = message.get("tool_calls") or message.get("function_call")
            detail = "tool calls and no text" if calls else "an empty answer"
            return Response(
                text=text,
                latency_ms=latency_ms,
                usage=usage,
                error=ErrorKind.EMPTY,
                error_detail=f"{self.name} gave {detail} (finish_reason={finish})",
                finish_reason=finish,
            )
        return Response(
            text=text, logprobs=logprobs, latency_ms=latency_ms, usage=usage, finish_reason=finish
        )

    def _scrub(self, detail: str) -> str:
        if self._secret:
            detail = detail.replace(self._secret, "[redacted]")
        return redact_text(detail)

    def reconfigured(self, options: Mapping[str, Any]) -> tuple[Target, tuple[str, ...]]:
        """A copy deployed with another system prompt (`system_prompt`; empty removes it)."""
        return with_own_system_prompt(self, options)

    async def aclose(self) -> None:
        """Close the connection pool and the tool providers."""
        if self._tool_loop is not None:
            await self._tool_loop.aclose()
        await self._pool.aclose()


def tool_definition(tool: ToolSpec) -> dict[str, Any]:
    """A tool in the OpenAI function-tool format."""
    return {
        "type": "function",
        "function": {"name": tool.name, "description": tool.description, "parameters": tool.parameters},
    }


def _arguments(raw: Any) -> tuple[dict[str, Any], str | None]:
    """Parsed arguments, and the text as sent when it is not a JSON object."""
    if isinstance(raw, dict):  # some compatible servers send an object instead of a JSON string
        return raw, None
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return {}, None
    text = raw if isinstance(raw, str) else json.dumps(raw)
    try:
        parsed = json.loads(text)
    except ValueError:
        return {}, text
    return (parsed, None) if isinstance(parsed, dict) else ({}, text)


def parse_tool_calls(data: Any) -> tuple[tuple[ToolCall, ...], bool]:
    """The tool calls of a chat completion (`tool_calls`, or the legacy `function_call`), and whether
    the legacy form was used. A call without an id gets one; arguments that are not a JSON object are
    kept as sent in `raw_arguments`."""
    try:
        message = data["choices"][0].get("message") or {}
    except (TypeError, KeyError, IndexError, AttributeError):
        return (), False
    out: list[ToolCall] = []
    raw_calls = message.get("tool_calls")
    legacy = False
    if not raw_calls and isinstance(message.get("function_call"), dict):
        raw_calls, legacy = [{"function": message["function_call"]}], True
    for item in raw_calls or []:
        fn = item.get("function") if isinstance(item, dict) else None
        if not isinstance(fn, dict) or not isinstance(fn.get("name"), str):
            continue
        args, raw = _arguments(fn.get("arguments"))
        call_id = item.get("id") if isinstance(item.get("id"), str) and item.get("id") else None
        out.append(
            ToolCall(
                id=call_id or f"call_{uuid.uuid4().hex[:24]}",
                name=fn["name"],
                arguments=args,
                raw_arguments=raw,
            )
        )
    return tuple(out), legacy


def _sent_arguments(call: ToolCall) -> str:
    return call.raw_arguments if call.raw_arguments is not None else json.dumps(call.arguments)


def outcome_text(content: str, error: str | None) -> str:
    """What the model reads as a tool result: the content, or the error marked as one."""
    return f"Error: {error}" if error is not None else content


def tool_round_messages(rnd: ToolRound) -> list[dict[str, Any]]:
    """The assistant message that asked for tools and one result message per call, in wire format."""
    if rnd.legacy and len(rnd.calls) == 1:
        call, outcome = rnd.calls[0], rnd.outcomes[0]
        return [
            {
                "role": "assistant",
                "content": rnd.text or None,
                "function_call": {"name": call.name, "arguments": _sent_arguments(call)},
            },
            {"role": "function", "name": call.name, "content": outcome_text(outcome.content, outcome.error)},
        ]
    out: list[dict[str, Any]] = [
        {
            "role": "assistant",
            "content": rnd.text or None,
            "tool_calls": [
                {
                    "id": c.id,
                    "type": "function",
                    "function": {"name": c.name, "arguments": _sent_arguments(c)},
                }
                for c in rnd.calls
            ],
        }
    ]
    for call, outcome in zip(rnd.calls, rnd.outcomes, strict=True):
        out.append(
            {
                "role": "tool",
                "tool_call_id": call.id,
                "content": outcome_text(outcome.content, outcome.error),
            }
        )
    return out
