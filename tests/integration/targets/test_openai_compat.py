"""The OpenAI-compatible adapter against real HTTP servers on loopback."""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest
from aiohttp import web

from redline.core.runs.conversation import Conversation, ErrorKind, GenerationParams, Response
from redline.targets.openai_compat import OpenAICompatOptions, OpenAICompatTarget
from tests.integration.targets.servers import app_server, closed_port, mock_openai

KEY = "sk-redline-test-0123456789abcdef"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@pytest.fixture(scope="module")
def mock_url() -> Iterator[str]:
    with mock_openai("--latency-ms", "5") as url:
        yield url


def _target(base_url: str, **options: Any) -> OpenAICompatTarget:
    return OpenAICompatTarget(
        base_url=base_url,
        model="mock-model",
        name="api",
        api_key=KEY,
        options=OpenAICompatOptions(**options),
    )


def test_answers_from_the_shared_mock(mock_url: str) -> None:
    async def scenario() -> list[Response]:
        target = _target(mock_url)
        try:
            return list(await asyncio.gather(*(target.send(Conversation.of(f"p{i}")) for i in range(20))))
        finally:
            await target.aclose()

    responses = asyncio.run(scenario())
    digest = hashlib.sha256(b"p7").hexdigest()[:12]
    assert responses[7].text == f"I cannot help with that. [mock reply {digest}]"
    assert all(r.ok and r.finish_reason == "stop" for r in responses)
    assert responses[0].usage.completion_tokens > 0 and responses[0].latency_ms > 0


def test_rate_limit_from_the_mock_carries_its_retry_after(mock_url: str) -> None:
    with mock_openai("--latency-ms", "1", "--fail-429", "1", "--retry-after", "2.5") as url:
        resp = _once(_target(url))
    assert resp.error is ErrorKind.RATE_LIMIT
    assert resp.retry_after_s == 2.5


def _once(target: OpenAICompatTarget, prompt: str = "hi") -> Response:
    """One send, then close the target, on one event loop."""

    async def scenario() -> Response:
        try:
            return await target.send(Conversation.of(prompt))
        finally:
            await target.aclose()

    return asyncio.run(scenario())


def _serve(handler: Handler, target_options: dict[str, Any] | None = None, *, prompt: str = "hi") -> Response:
    """Run one send against an in-test server whose chat-completions route is `handler`."""

    async def scenario() -> Response:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", handler)
        async with app_server(app) as base:
            target = _target(f"{base}/v1", **(target_options or {}))
            try:
                return await target.send(
                    Conversation.of(prompt), params=GenerationParams(logprobs=True, top_logprobs=2)
                )
            finally:
                await target.aclose()

    return asyncio.run(scenario())


def _chat(content: str | None, *, finish: str = "stop", **extra: Any) -> dict[str, Any]:
    message = {"role": "assistant", "content": content}
    choice = {"index": 0, "message": message, "finish_reason": finish, **extra}
    return {"choices": [choice], "usage": {"prompt_tokens": 3, "completion_tokens": 4}}


def test_request_body_headers_and_logprobs_are_parsed() -> None:
    seen: dict[str, Any] = {}

    async def handler(request: web.Request) -> web.Response:
        seen["body"] = await request.json()
        seen["auth"] = request.headers.get("Authorization")
        logprobs = {
            "content": [
                {"token": "Hel", "logprob": -0.1, "top_logprobs": [{"token": "Hel", "logprob": -0.1}]},
                {"token": "lo", "logprob": -0.7, "top_logprobs": [{"token": "lo", "logprob": -0.7}]},
            ]
        }
        return web.json_response(_chat("Hello", logprobs=logprobs))

    resp = _serve(handler)
    assert seen["auth"] == f"Bearer {KEY}"
    assert seen["body"]["logprobs"] is True and seen["body"]["top_logprobs"] == 2
    assert seen["body"]["messages"] == [{"role": "user", "content": "hi"}]
    assert resp.text == "Hello" and resp.usage.prompt_tokens == 3
    assert resp.logprobs is not None
    assert [t.token for t in resp.logprobs] == ["Hel", "lo"] and resp.logprobs[1].logprob == -0.7


def test_429_with_retry_after_header() -> None:
    async def handler(request: web.Request) -> web.Response:
        body = {"error": {"message": "slow down", "type": "rate_limit_exceeded"}}
        return web.json_response(body, status=429, headers={"Retry-After": "3"})

    resp = _serve(handler)
    assert resp.error is ErrorKind.RATE_LIMIT and resp.retry_after_s == 3.0
    assert "slow down" in (resp.error_detail or "")


def test_server_sleeping_past_the_timeout_is_a_timeout() -> None:
    async def handler(request: web.Request) -> web.Response:
        await asyncio.sleep(2)
        return web.json_response(_chat("late"))

    resp = _serve(handler, {"timeout_s": 0.3})
    assert resp.error is ErrorKind.TIMEOUT
    assert "0.3 s" in (resp.error_detail or "")


def test_500_is_a_server_error_and_4xx_a_bad_request() -> None:
    async def boom(request: web.Request) -> web.Response:
        return web.json_response({"error": {"message": "internal"}}, status=500)

    async def bad(request: web.Request) -> web.Response:
        return web.json_response({"error": {"message": f"invalid key {KEY}"}}, status=401)

    assert _serve(boom).error is ErrorKind.SERVER_ERROR
    rejected = _serve(bad)
    assert rejected.error is ErrorKind.BAD_REQUEST
    assert KEY not in (rejected.error_detail or "") and "[redacted]" in (rejected.error_detail or "")


def test_content_filter_finish_reason_and_azure_error_body() -> None:
    async def finished(request: web.Request) -> web.Response:
        return web.json_response(_chat("", finish="content_filter"))

    async def azure(request: web.Request) -> web.Response:
        body = {
            "error": {
                "code": "content_filter",
                "message": "The prompt was filtered due to triggering content management policy.",
                "innererror": {"code": "ResponsibleAIPolicyViolation"},
            }
        }
        return web.json_response(body, status=400)

    for handler in (finished, azure):
        resp = _serve(handler)
        assert resp.error is ErrorKind.CONTENT_FILTER and resp.blocked and resp.blocked_by == "provider"


def test_empty_answer_is_empty() -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.json_response(_chat(None))

    resp = _serve(handler)
    assert resp.error is ErrorKind.EMPTY


def test_garbage_body_is_other_not_an_exception() -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(text="<html>proxy page</html>", content_type="text/html")

    resp = _serve(handler)
    assert resp.error is ErrorKind.OTHER and "proxy page" in (resp.error_detail or "")


def test_connection_refused_names_the_host() -> None:
    port = closed_port()
    resp = _once(_target(f"http://127.0.0.1:{port}/v1"))
    assert resp.error is ErrorKind.CONNECTION
    assert f"127.0.0.1:{port}" in (resp.error_detail or "")


def test_unknown_host_is_a_connection_error() -> None:
    resp = _once(_target("http://no-such-host.invalid/v1", timeout_s=5))
    assert resp.error is ErrorKind.CONNECTION
    assert "no-such-host.invalid" in (resp.error_detail or "")


def test_extra_body_query_and_azure_key_header() -> None:
    seen: dict[str, Any] = {}

    async def handler(request: web.Request) -> web.Response:
        seen["query"] = dict(request.query)
        seen["key"] = request.headers.get("api-key")
        seen["body"] = json.loads(await request.text())
        return web.json_response(_chat("ok"))

    resp = _serve(
        handler,
        {"query": {"api-version": "2024-10-21"}, "api_key_header": "api-key", "extra_body": {"top_p": 0.5}},
    )
    assert resp.ok
    assert seen["query"] == {"api-version": "2024-10-21"} and seen["key"] == KEY
    assert seen["body"]["top_p"] == 0.5


def test_the_same_target_works_across_event_loops(mock_url: str) -> None:
    target = _target(mock_url)
    first = asyncio.run(target.send(Conversation.of("a")))
    second = asyncio.run(target.send(Conversation.of("b")))
    asyncio.run(target.aclose())
    assert first.ok and second.ok
