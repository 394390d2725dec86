"""Every registered target adapter keeps the Target contract.

It builds from a minimal configuration; `send` never raises (an unreachable host, a 500, a 429, a
malformed body are Responses with an error); its identity is stable; `aclose` may be called twice; a
reconfigured copy and generation parameters are honoured. HTTP adapters talk to a real stub server on
loopback; the local-model adapters load the bundled model (slow).
"""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import pytest
from aiohttp import web

from redline.config import plugins
from redline.config.settings import TargetConfig
from redline.core.errors import ConfigError
from redline.core.runs.conversation import Conversation, ErrorKind, GenerationParams, Response
from redline.targets.base import Capabilities, Reconfigurable, Target, TargetCapabilities
from redline.targets.echo import EchoTarget
from redline.targets.registry import GROUP, capabilities_of, target_from_config
from redline.targets.replay import RecordingTarget
from tests.integration.targets.servers import closed_port

KINDS = plugins.names(GROUP)
KEY = "sk-contract-0123456789abcdef"
ENV = {"CONTRACT_KEY": KEY}
PROMPT = "hello there"
TOOL_PROMPT = "USE-THE-TOOL"
MARK = "CONTRACT-SYSTEM-MARK"
FAILURES = {
    "server error": "FAIL500",
    "rate limit": "FAIL429",
    "malformed body": "GARBAGE",
    "content filter": "FILTERED",
}
T = TypeVar("T")


def _reply_text(messages: list[dict[str, str]], max_tokens: int | None) -> str:
    """What the stub answers: the system prompt it saw and the prompt, cut to max_tokens words."""
    system = next((m["content"] for m in messages if m["role"] == "system"), "-")
    words = f"system={system} said {messages[-1]['content']} and more words follow here".split()
    return " ".join(words[: max_tokens or len(words)])


async def _chat(request: web.Request) -> web.StreamResponse:
    """An OpenAI-compatible chat route whose failures are chosen by a marker in the last message."""
    body = await request.json()
    messages: list[dict[str, str]] = body["messages"]
    prompt = messages[-1]["content"]
    if "FAIL500" in prompt:
        return web.json_response({"error": {"message": "internal failure"}}, status=500)
    if "FAIL429" in prompt:
        return web.json_response(
            {"error": {"message": "slow down"}}, status=429, headers={"Retry-After": "1"}
        )
    if "GARBAGE" in prompt:
        return web.Response(text="<html>not json", content_type="application/json")
    if "FILTERED" in prompt:
        refusal = {"code": "content_filter", "message": "The prompt was filtered."}
        return web.json_response({"error": refusal}, status=400)
    if body.get("tools") and TOOL_PROMPT in messages[1 if messages[0]["role"] == "system" else 0]["content"]:
        return web.json_response(_tool_turn(body))
    text = _reply_text(messages, body.get("max_tokens"))
    return web.json_response(
        {
            "choices": [{"message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 3, "completion_tokens": len(text.split())},
        }
    )


def _tool_turn(body: dict[str, Any]) -> dict[str, Any]:
    """The stub as a tool-calling model: calls the first tool offered once, then says what it returned."""
    results = [m for m in body["messages"] if m["role"] == "tool"]
    if results:
        message: dict[str, Any] = {"role": "assistant", "content": f"the tool said: {results[-1]['content']}"}
        finish = "stop"
    else:
        name = body["tools"][0]["function"]["name"]
        call = {"id": "call_1", "type": "function", "function": {"name": name, "arguments": '{"q": "x"}'}}
        message, finish = {"role": "assistant", "content": None, "tool_calls": [call]}, "tool_calls"
    return {"choices": [{"message": message, "finish_reason": finish}], "usage": {"prompt_tokens": 3}}


@pytest.fixture(scope="module")
def stub_url() -> Iterator[str]:
    """The stub on a free loopback port, served from its own thread and event loop."""
    loop = asyncio.new_event_loop()
    app = web.Application()
    app.router.add_post("/v1/chat/completions", _chat)
    runner = web.AppRunner(app)
    loop.run_until_complete(runner.setup())
    site = web.TCPSite(runner, "127.0.0.1", 0)
    loop.run_until_complete(site.start())
    port = runner.addresses[0][1]
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()


def contract_function(conversation: Conversation) -> Any:
    """The system under test of the `callable` case: fails, misanswers or echoes like the stub."""
    prompt = conversation.last_user_text
    if "FAIL500" in prompt:
        raise RuntimeError("the application broke")
    if "GARBAGE" in prompt:
        return {"not": "text"}
    if "FAIL429" in prompt:
        return None
    messages = [{"role": m.role.value, "content": m.content} for m in conversation.messages]
    return _reply_text(messages, None)


@dataclass(frozen=True)
class World:
    """Where the stub server listens and where files of a case may go."""

    url: str
    tmp: Path


@dataclass(frozen=True)
class Case:
    """A minimal configuration of one adapter, and what it can be asked to show."""

    config: Callable[[World], TargetConfig]
    failures: dict[str, str] = field(default_factory=lambda: dict(FAILURES))
    """Failure name -> prompt that provokes it."""
    unreachable: Callable[[World], TargetConfig] | None = None
    """A configuration whose host does not answer."""
    echoes_system_prompt: bool = False
    """The answer shows the system prompt the target was deployed with."""
    slow: bool = False


def _openai(url: str) -> dict[str, Any]:
    return {
        "kind": "openai-compat",
        "base_url": f"{url}/v1",
        "model": "stub-model",
        "api_key_env": "CONTRACT_KEY",
    }


def _http_app(url: str) -> dict[str, Any]:
    return {
        "kind": "http-app",
        "base_url": url,
        "options": {
            "url": "/v1/chat/completions",
            "body": {"messages": "{{messages}}"},
            "answer_path": "choices.0.message.content",
        },
    }


def _guarded(url: str) -> dict[str, Any]:
    return {"kind": "guarded", "options": {"inner": _openai(url)}}


def _retrieval(url: str) -> dict[str, Any]:
    corpus = ["Parcels leave the depot each morning.", "Refunds take five working days."]
    return {"kind": "retrieval", "options": {"inner": _openai(url), "documents": corpus}}


def _dead(url: str) -> str:
    return url.rsplit(":", 1)[0] + f":{closed_port()}"


def _replay(world: World) -> TargetConfig:
    return TargetConfig(kind="replay", options={"path": str(world.tmp / "recording.jsonl")})


def _config(make: Callable[[str], dict[str, Any]]) -> Callable[[World], TargetConfig]:
    return lambda world: TargetConfig.model_validate(make(world.url))


def _unreachable(make: Callable[[str], dict[str, Any]]) -> Callable[[World], TargetConfig]:
    return lambda world: TargetConfig.model_validate(make(_dead(world.url)))


ECHO_RULES = [
    {"match": "FAIL500", "error": "server_error"},
    {"match": "FAIL429", "error": "rate_limit", "retry_after_s": 1},
    {"match": "GARBAGE", "reply": ""},
    {"match": "FILTERED", "error": "content_filter"},
]

CASES: dict[str, Case] = {
    "openai-compat": Case(
        _config(_openai),
        unreachable=_unreachable(_openai),
        echoes_system_prompt=True,
    ),
    "http-app": Case(_config(_http_app), unreachable=_unreachable(_http_app)),
    "guarded": Case(_config(_guarded), unreachable=_unreachable(_guarded)),
    "retrieval": Case(_config(_retrieval), unreachable=_unreachable(_retrieval)),
    "callable": Case(
        lambda _: TargetConfig(
            kind="callable",
            model="tests.contract.test_targets:contract_function",
            options={"input": "conversation"},
        ),
        failures={"function raises": "FAIL500", "returns nothing": "FAIL429", "returns a dict": "GARBAGE"},
        echoes_system_prompt=True,
    ),
    "echo": Case(lambda _: TargetConfig(kind="echo", options={"rules": ECHO_RULES})),
    "replay": Case(_replay, failures={"conversation never recorded": "never recorded"}),
    "gguf": Case(
        lambda _: TargetConfig(kind="gguf", options={"n_ctx": 256}),
        failures={"prompt longer than the context": "word " * 400},
        slow=True,
    ),
    "hf": Case(lambda _: TargetConfig(kind="hf"), failures={}, slow=True),
}


def _kinds() -> list[Any]:
    return [
        pytest.param(kind, marks=[pytest.mark.slow] if kind in CASES and CASES[kind].slow else [])
        for kind in KINDS
    ]


@pytest.fixture
def world(stub_url: str, tmp_path: Path) -> World:
    """The stub's URL, and a recording of the echo target answering PROMPT for the replay case."""
    recorder = RecordingTarget(EchoTarget("recorded"), tmp_path / "recording.jsonl")

    async def record() -> None:
        await recorder.send(Conversation.of(PROMPT))
        await recorder.aclose()

    asyncio.run(record())
    return World(url=stub_url, tmp=tmp_path)


def _case(kind: str) -> Case:
    if kind not in CASES:
        pytest.fail(f"target kind '{kind}' has no contract case: add one to CASES in {__file__}")
    case = CASES[kind]
    if kind in ("gguf", "hf"):
        pytest.importorskip("llama_cpp" if kind == "gguf" else "transformers")
    return case


def _build(kind: str, world: World, config: TargetConfig | None = None) -> Target:
    return target_from_config(config or _case(kind).config(world), env=ENV, name=f"contract-{kind}")


def _run(make: Callable[[], Awaitable[T]]) -> T:
    async def scenario() -> T:
        return await make()

    return asyncio.run(scenario())


async def _send_then_close(target: Target, prompt: str, params: GenerationParams | None = None) -> Response:
    try:
        return await target.send(Conversation.of(prompt), params=params)
    finally:
        await target.aclose()


def test_every_entry_point_has_a_contract_case() -> None:
    assert set(CASES) == set(KINDS), "CASES must name exactly the registered target kinds"


@pytest.mark.parametrize("kind", _kinds())
def test_builds_from_a_minimal_configuration(kind: str, world: World) -> None:
    target = _build(kind, world)
    assert isinstance(target, Target)
    assert target.name == f"contract-{kind}"
    assert getattr(type(target), "kind", None) == kind
    assert isinstance(target.capabilities, Capabilities)


@pytest.mark.parametrize("kind", _kinds())
def test_declares_what_it_offers_on_its_class(kind: str, world: World) -> None:
    declared = vars(plugins.load(GROUP, kind)).get("supports")
    assert isinstance(declared, TargetCapabilities), f"{kind} must declare `supports` on its class"
    assert capabilities_of(kind) == declared
    built = _build(kind, world)
    assert declared.logprobs or not built.capabilities.logprobs, "a target offers no more than its kind"


@pytest.mark.parametrize("kind", _kinds())
def test_send_answers_and_every_failure_is_a_response(kind: str, world: World) -> None:
    case = _case(kind)
    answer = _run(lambda: _send_then_close(_build(kind, world), PROMPT, GenerationParams(max_tokens=64)))
    assert answer.ok and answer.text.strip(), answer.error_detail
    for failure, prompt in case.failures.items():
        resp = _run(partial(_send_then_close, _build(kind, world), prompt))
        assert isinstance(resp, Response), failure
        assert resp.error is not None and not resp.ok, f"{failure}: {resp}"
        if failure == "rate limit":
            assert resp.error is ErrorKind.RATE_LIMIT and resp.retry_after_s == 1.0
        if failure == "content filter":
            assert resp.error is ErrorKind.CONTENT_FILTER and resp.blocked
    if case.unreachable is not None:
        dead = _build(kind, world, case.unreachable(world))
        resp = _run(lambda: _send_then_close(dead, PROMPT))
        assert resp.error is ErrorKind.CONNECTION, resp


@pytest.mark.parametrize("kind", _kinds())
def test_identity_is_stable(kind: str, world: World) -> None:
    target = _build(kind, world)
    before = target.identity()
    _run(lambda: _send_then_close(target, PROMPT))
    assert target.identity() == before
    assert _build(kind, world).identity() == before


@pytest.mark.parametrize("kind", _kinds())
def test_close_is_idempotent(kind: str, world: World) -> None:
    unused = _build(kind, world)
    used = _build(kind, world)

    async def scenario() -> None:
        await unused.aclose()
        await unused.aclose()
        await used.send(Conversation.of(PROMPT))
        await used.aclose()
        await used.aclose()

    _run(scenario)
    _run(used.aclose)  # again, from another event loop


@pytest.mark.parametrize("kind", _kinds())
def test_reconfiguration_and_generation_parameters_are_honoured(kind: str, world: World) -> None:
    case = _case(kind)
    target = _build(kind, world)
    if isinstance(target, Reconfigurable):
        copy, applied = target.reconfigured({"system_prompt": MARK, "not_an_option": 1})
        assert applied == ("system_prompt",)
        assert isinstance(copy, Target) and copy is not target
        _, nothing = target.reconfigured({"not_an_option": 1})
        assert nothing == ()
        if case.echoes_system_prompt:
            changed = _run(lambda: _send_then_close(copy, PROMPT))
            original = _run(lambda: _send_then_close(_build(kind, world), PROMPT))
            assert MARK in changed.text and MARK not in original.text
    if "max_tokens" in capabilities_of(kind).params:
        short = _run(lambda: _send_then_close(_build(kind, world), PROMPT, GenerationParams(max_tokens=2)))
        assert short.ok, short.error_detail
        assert 1 <= short.usage.completion_tokens <= 2
        assert len(short.text.split()) <= 2 or kind in ("gguf", "hf")


def test_the_configuration_reference_names_every_registered_kind() -> None:
    described = TargetConfig.model_fields["kind"].description or ""
    assert all(f"'{kind}'" in described for kind in KINDS)


SANDBOX = """
tools:
  - name: lookup
    description: Look something up.
    parameters: {type: object, properties: {q: {type: string}}, required: [q]}
    side_effect: "looked up {{q}}"
    result: "found {{q}}"
"""


def _sandboxed_openai(world: World) -> TargetConfig:
    sandbox = world.tmp / "contract-tools.yaml"
    sandbox.write_text(SANDBOX)
    config = _openai(world.url)
    return TargetConfig.model_validate(
        {**config, "options": {"tools": {"sandbox": str(sandbox), "step_budget": 2}}}
    )


TOOL_CASES: dict[str, Callable[[World], TargetConfig]] = {"openai-compat": _sandboxed_openai}
"""Kinds that declare `tools`: a configuration offering the contract sandbox's tools."""


def test_every_kind_that_declares_tools_has_a_tool_case() -> None:
    with_tools = {kind for kind in KINDS if kind in CASES and capabilities_of(kind).tools}
    assert with_tools == set(TOOL_CASES), "TOOL_CASES must name exactly the kinds that declare tools"


@pytest.mark.parametrize("kind", sorted(TOOL_CASES))
def test_a_sandboxed_target_answers_through_its_tools_and_never_raises(kind: str, world: World) -> None:
    config = TOOL_CASES[kind](world)
    answer = _run(lambda: _send_then_close(_build(kind, world, config), f"{TOOL_PROMPT} {PROMPT}"))
    assert answer.ok and answer.text == "the tool said: found x", answer.error_detail
    trace = answer.actions
    assert trace is not None and [t.name for t in trace.tools] == ["lookup"] and trace.step_budget == 2
    (step,) = trace.steps
    assert step.call.arguments == {"q": "x"} and step.outcome.side_effects == ("looked up x",)
    plain = _run(lambda: _send_then_close(_build(kind, world, config), PROMPT))
    assert plain.ok and plain.actions is not None and plain.actions.steps == ()  # offered, not called
    for failure, prompt in _case(kind).failures.items():
        resp = _run(partial(_send_then_close, _build(kind, world, config), prompt))
        assert resp.error is not None and not resp.ok, f"{failure} with tools: {resp}"
    dead = config.model_copy(update={"base_url": f"{_dead(world.url)}/v1"})
    resp = _run(lambda: _send_then_close(_build(kind, world, dead), PROMPT))
    assert resp.error is ErrorKind.CONNECTION, resp


@pytest.mark.parametrize("kind", sorted(TOOL_CASES))
def test_a_broken_tools_option_is_one_line_naming_the_target(kind: str, world: World) -> None:
    config = TOOL_CASES[kind](world)
    bad = config.model_copy(update={"options": {"tools": {"sandbox": str(world.tmp / "nope.yaml")}}})
    with pytest.raises(ConfigError) as err:
        _build(kind, world, bad)
    assert "nope.yaml" in str(err.value) and "\n" not in str(err.value)
    typo = config.model_copy(update={"options": {"tools": {"sandbx": "x.yaml"}}})
    with pytest.raises(ConfigError, match=f"target 'contract-{kind}'.*unknown key 'sandbx'"):
        _build(kind, world, typo)


# An MCP-backed target: the OpenAI-compatible adapter whose tools come from an MCP server process
# (options.tools.mcp). Listing the tools starts the server; a server that cannot start or dies leaves
# `send` answering with an error Response, never an exception.

MCP_SERVER = Path(__file__).resolve().parents[1] / "integration" / "targets" / "mcp_email_server.py"


def _mcp_target(url: str, *, command: str | None = None) -> TargetConfig:
    server = {"name": "email", "command": command or sys.executable, "args": [str(MCP_SERVER), "stdio"]}
    return TargetConfig.model_validate(
        {**_openai(url), "options": {"tools": {"mcp": [{**server, "timeout_s": 10}], "step_budget": 4}}}
    )


def test_an_mcp_backed_target_keeps_the_contract(world: World) -> None:
    pytest.importorskip("mcp")
    config = _mcp_target(world.url)
    target = target_from_config(config, env=ENV, name="contract-mcp")
    assert isinstance(target, Target) and target.name == "contract-mcp"
    before = target.identity()

    async def scenario() -> None:
        answer = await target.send(Conversation.of(PROMPT))
        assert answer.ok and answer.text.strip(), answer.error_detail
        assert answer.actions is not None
        assert {t.name for t in answer.actions.tools} >= {"read_inbox", "send_email"}
        assert {t.provider for t in answer.actions.tools} == {"mcp:email"}
        for failure, prompt in FAILURES.items():
            resp = await target.send(Conversation.of(prompt))
            assert isinstance(resp, Response) and resp.error is not None, failure
        await target.aclose()
        await target.aclose()

    _run(scenario)
    _run(target.aclose)  # again, from another event loop
    assert target.identity() == before == target_from_config(config, env=ENV, name="contract-mcp").identity()


def test_an_mcp_backed_target_whose_server_cannot_start_answers_with_an_error(world: World) -> None:
    pytest.importorskip("mcp")
    config = _mcp_target(world.url, command="/nonexistent/mcp-server")
    target = target_from_config(config, env=ENV, name="contract-mcp")
    resp = _run(lambda: _send_then_close(target, PROMPT))
    assert isinstance(resp, Response) and resp.error is not None and not resp.ok
    assert "MCP server 'email'" in (resp.error_detail or "") and "\n" not in (resp.error_detail or "")
