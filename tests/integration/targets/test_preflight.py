"""The preflight against real servers on loopback: each wrong address fails in one line, with its code."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web

from redline.config.settings import TargetConfig
from redline.core.errors import ConfigError, RedlineError, TargetError
from redline.targets.preflight import Hints, preflight
from tests.integration.targets.servers import app_server, closed_port

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
KEY_ENV = "REDLINE_TEST_PREFLIGHT_KEY"
KEY = "sk-preflight-secret-0123456789abcdef"

COMPLETION = {
    "id": "c1",
    "object": "chat.completion",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "H"}, "finish_reason": "length"}],
    "usage": {"prompt_tokens": 3, "completion_tokens": 1},
}


def _openai(url: str, **extra: Any) -> TargetConfig:
    return TargetConfig(kind="openai-compat", base_url=url, model="tiny", **extra)


def _check(config: TargetConfig) -> None:
    asyncio.run(preflight(config, name="api", env={}, hints=Hints.scan()))


def _fails(config: TargetConfig) -> RedlineError:
    with pytest.raises(RedlineError) as info:
        _check(config)
    error = info.value
    assert "\n" not in str(error) and str(error).startswith("target 'api': ")
    return error


def _serve(
    handler: Handler,
    make: Callable[[str], TargetConfig],
    *,
    path: str = "/v1/chat/completions",
    env: dict[str, str] | None = None,
    hints: Hints | None = None,
    calls: list[dict[str, Any]] | None = None,
) -> RedlineError | None:
    """Serve `handler` on `path` ('*': every path), preflight the config `make(base URL)`; its error."""

    async def scenario() -> RedlineError | None:
        async def recorded(request: web.Request) -> web.StreamResponse:
            if calls is not None:
                raw = await request.read()
                calls.append({"path": request.path, "body": json.loads(raw) if raw else None})
            return await handler(request)

        app = web.Application()
        if path == "*":
            app.router.add_route("*", "/{tail:.*}", recorded)
        else:
            app.router.add_post(path, recorded)
        async with app_server(app) as base:
            try:
                await preflight(make(base), name="api", env=env or {}, hints=hints or Hints.scan())
            except RedlineError as exc:
                assert "\n" not in str(exc) and str(exc).startswith("target 'api': ")
                return exc
        return None

    return asyncio.run(scenario())


def test_a_chat_completion_passes_with_one_request_of_one_token() -> None:
    calls: list[dict[str, Any]] = []

    async def ok(_: web.Request) -> web.Response:
        return web.json_response(COMPLETION)

    assert _serve(ok, lambda base: _openai(f"{base}/v1"), calls=calls) is None
    assert len(calls) == 1 and calls[0]["body"]["max_tokens"] == 1 and calls[0]["body"]["model"] == "tiny"


def test_a_rate_limit_counts_as_answering() -> None:
    async def busy(_: web.Request) -> web.Response:
        return web.json_response({"error": {"message": "slow down"}}, status=429)

    assert _serve(busy, lambda base: _openai(f"{base}/v1")) is None


def test_a_refused_connection_names_host_and_port_and_exits_3() -> None:
    port = closed_port()
    error = _fails(_openai(f"http://127.0.0.1:{port}/v1"))
    assert isinstance(error, TargetError) and error.exit_code == 3
    assert f"refused the connection (nothing listening on 127.0.0.1:{port}); check --url" in str(error)


def test_a_name_that_does_not_resolve_is_a_dns_failure() -> None:
    error = _fails(_openai("http://redline-preflight.invalid/v1"))
    assert isinstance(error, TargetError)
    assert "host 'redline-preflight.invalid' not found (DNS lookup failed)" in str(error)


def test_a_server_that_does_not_answer_in_time_is_a_timeout() -> None:
    async def slow(_: web.Request) -> web.Response:
        await asyncio.sleep(2)
        return web.json_response(COMPLETION)

    error = _serve(slow, lambda base: _openai(f"{base}/v1", options={"timeout_s": 0.2}))
    assert isinstance(error, TargetError) and "gave no answer (no answer from 127.0.0.1:" in str(error)


def test_a_plain_web_server_404_page_suggests_a_base_url_ending_in_v1() -> None:
    async def page(_: web.Request) -> web.Response:
        return web.Response(text="<html><title>Not here</title></html>", status=404, content_type="text/html")

    error = _serve(page, lambda base: _openai(base), path="*")
    assert isinstance(error, ConfigError) and error.exit_code == 2
    text = str(error)
    assert "/chat/completions answered HTTP 404 (no such page)" in text
    assert "usually ends in /v1 (http://127.0.0.1:" in text and text.endswith("; check --url")


def test_an_html_page_is_not_a_json_api() -> None:
    async def page(_: web.Request) -> web.Response:
        body = "<!DOCTYPE html><html><head><title>Error response</title></head><body>501</body></html>"
        return web.Response(text=body, status=501, content_type="text/html")

    error = _serve(page, lambda base: _openai(f"{base}/v1"), path="*")
    assert isinstance(error, ConfigError)
    assert "answered with an HTML page (HTTP 501, title 'Error response'), not a JSON API" in str(error)


def test_credentials_refused_name_the_variable_never_the_key() -> None:
    async def locked(request: web.Request) -> web.Response:
        return web.json_response({"error": {"message": "Incorrect API key provided"}}, status=401)

    error = _serve(locked, lambda base: _openai(f"{base}/v1", api_key_env=KEY_ENV), env={KEY_ENV: KEY})
    assert isinstance(error, ConfigError)
    assert (
        f"refused the credentials (HTTP 401: Incorrect API key provided); check the key in {KEY_ENV}"
        in str(error)
    )
    assert KEY not in str(error)
    error = _serve(locked, lambda base: _openai(f"{base}/v1"))
    assert (
        error is not None
        and "no key was sent: name the environment variable holding it with --api-key-env" in str(error)
    )


def test_an_unknown_model_shows_the_servers_message() -> None:
    async def unknown(_: web.Request) -> web.Response:
        message = "The model `tiny` does not exist. " + "x" * 400
        return web.json_response({"error": {"message": message, "type": "invalid_request_error"}}, status=400)

    error = _serve(unknown, lambda base: _openai(f"{base}/v1"), hints=Hints.workspace("chat"))
    assert isinstance(error, ConfigError)
    text = str(error)
    assert "rejected the request (HTTP 400: The model `tiny` does not exist." in text
    assert text.endswith("...); check model of system 'chat' in redline.yaml") and len(text) < 400


def test_json_that_is_not_a_chat_completion() -> None:
    async def status(_: web.Request) -> web.Response:
        return web.json_response({"status": "ok", "version": "1.2"})

    error = _serve(status, lambda base: _openai(f"{base}/v1"))
    assert isinstance(error, ConfigError)
    assert 'answered JSON that is not a chat completion (no \'choices\'): {"status": "ok"' in str(error)


def test_a_failing_server_exits_3() -> None:
    async def broken(_: web.Request) -> web.Response:
        return web.json_response({"error": {"message": "backend unavailable"}}, status=503)

    error = _serve(broken, lambda base: _openai(f"{base}/v1"))
    assert isinstance(error, TargetError)
    assert "answered HTTP 503: backend unavailable; the server is up but failing" in str(error)
    assert "--no-preflight" in str(error)


def test_http_app_needs_an_answer_at_its_answer_path() -> None:
    async def chat(request: web.Request) -> web.Response:
        body = await request.json()
        return web.json_response({"reply": {"text": f"echo {body['message']}"}})

    def app(path: str) -> Callable[[str], TargetConfig]:
        return lambda base: TargetConfig(
            kind="http-app",
            base_url=base,
            options={"url": "/chat", "body": {"message": "{{prompt}}"}, "answer_path": path},
        )

    assert _serve(chat, app("reply.text"), path="/chat") is None
    error = _serve(chat, app("answer"), path="/chat")
    assert isinstance(error, ConfigError) and "answered JSON with nothing at answer_path 'answer'" in str(
        error
    )


def test_a_guarded_application_is_checked_through_its_model() -> None:
    port = closed_port()
    inner = {"kind": "openai-compat", "base_url": f"http://127.0.0.1:{port}/v1", "model": "tiny"}
    error = _fails(TargetConfig(kind="guarded", options={"inner": inner}))
    assert f"nothing listening on 127.0.0.1:{port}" in str(error)


def test_targets_without_a_preflight_pass_without_being_built() -> None:
    _check(TargetConfig(kind="gguf", model="/nonexistent/model.gguf"))  # building it would fail
    _check(TargetConfig(kind="callable", model="tests.unit.engine.fakes:answer"))
