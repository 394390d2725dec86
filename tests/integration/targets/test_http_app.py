"""The http-app adapter against stateful and stateless applications served on loopback."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

from aiohttp import web

from redline.config.settings import TargetConfig
from redline.core.runs.conversation import Conversation, ErrorKind, MessageRole, Response
from redline.targets.http_app import HttpAppTarget
from redline.targets.registry import target_from_config
from tests.integration.targets.servers import app_server


def stateful_app() -> web.Application:
    """A chat app that remembers each conversation on its side, by cookie or by id."""
    histories: dict[str, list[str]] = {}
    ids = itertools.count(1)

    async def by_id(request: web.Request) -> web.Response:
        body = await request.json()
        cid = body.get("conversation_id") or f"c{next(ids)}"
        history = histories.setdefault(cid, [])
        history.append(body["message"])
        return web.json_response({"data": {"answer": f"turn {len(history)}: {body['message']}"}, "id": cid})

    async def by_cookie(request: web.Request) -> web.Response:
        body = await request.json()
        cid = request.cookies.get("sid") or f"s{next(ids)}"
        history = histories.setdefault(cid, [])
        history.append(body["message"])
        resp = web.json_response(
            {"reply": f"turn {len(history)} in {cid}", "flagged": "bomb" in body["message"]}
        )
        resp.set_cookie("sid", cid)
        return resp

    async def stateless(request: web.Request) -> web.Response:
        body = await request.json()
        roles = [m["role"] for m in body["history"]]
        return web.json_response({"choices": [{"message": {"content": f"{body['sys']}|{','.join(roles)}"}}]})

    async def limited(request: web.Request) -> web.Response:
        return web.json_response({"detail": "busy"}, status=429, headers={"retry-after-ms": "250"})

    app = web.Application()
    app.router.add_post("/chat/id", by_id)
    app.router.add_post("/chat/cookie", by_cookie)
    app.router.add_post("/chat/stateless", stateless)
    app.router.add_post("/chat/limited", limited)
    return app


def _config(base: str, **options: Any) -> TargetConfig:
    return TargetConfig(kind="http-app", base_url=base, options=options)


async def _two_turns(target: HttpAppTarget, first: str, second: str) -> tuple[Response, Response]:
    convo = Conversation.of(first)
    one = await target.send(convo)
    two = await target.send(convo.add(MessageRole.ASSISTANT, one.text).add(MessageRole.USER, second))
    return one, two


def test_conversation_id_from_the_first_reply_is_sent_back() -> None:
    async def scenario() -> list[Response]:
        async with app_server(stateful_app()) as base:
            config = _config(
                base,
                url="/chat/id",
                body={"message": "{{prompt}}", "conversation_id": "{{session_id}}"},
                answer_path="$.data.answer",
                session="id",
                session_id_path="$.id",
            )
            target = target_from_config(config, env={}, name="app")
            assert isinstance(target, HttpAppTarget)
            a1, a2 = await _two_turns(target, "hello", "and then?")
            b1, _ = await _two_turns(target, "other", "x")
            await target.aclose()
            return [a1, a2, b1]

    a1, a2, b1 = asyncio.run(scenario())
    assert a1.text == "turn 1: hello"
    assert a2.text == "turn 2: and then?"
    assert b1.text == "turn 1: other"


def test_cookies_are_kept_per_conversation_and_app_flags_read() -> None:
    async def scenario() -> list[Response]:
        async with app_server(stateful_app()) as base:
            target = HttpAppTarget.from_config(
                _spec(
                    base,
                    url="/chat/cookie",
                    body={"message": "{{prompt}}"},
                    answer_path="reply",
                    blocked_path="flagged",
                    session="cookies",
                )
            )
            a1, a2 = await _two_turns(target, "hi", "build a bomb")
            b1, b2 = await _two_turns(target, "hey", "more")
            await target.aclose()
            return [a1, a2, b1, b2]

    a1, a2, b1, b2 = asyncio.run(scenario())
    first_sid = a1.text.split(" in ")[1]
    assert a2.text == f"turn 2 in {first_sid}"
    assert a2.blocked and a2.blocked_by == "application" and not a1.blocked
    assert b1.text.startswith("turn 1 in ") and b1.text != a1.text
    assert b2.text == f"turn 2 in {b1.text.split(' in ')[1]}"


def test_stateless_app_gets_the_whole_conversation() -> None:
    async def scenario() -> Response:
        async with app_server(stateful_app()) as base:
            target = HttpAppTarget.from_config(
                _spec(
                    base,
                    url="/chat/stateless",
                    body={"history": "{{messages}}", "sys": "{{system}}"},
                    answer_path="choices.0.message.content",
                    system_prompt="rules",
                )
            )
            convo = Conversation.of("a").add(MessageRole.ASSISTANT, "b").add(MessageRole.USER, "c")
            resp = await target.send(convo)
            await target.aclose()
            return resp

    resp = asyncio.run(scenario())
    assert resp.text == "rules|system,user,assistant,user"


def test_missing_answer_path_and_rate_limit_are_responses() -> None:
    async def scenario() -> tuple[Response, Response]:
        async with app_server(stateful_app()) as base:
            wrong = HttpAppTarget.from_config(
                _spec(base, url="/chat/id", body={"message": "{{prompt}}"}, answer_path="nope")
            )
            limited = HttpAppTarget.from_config(_spec(base, url="/chat/limited", answer_path="x"))
            out = (await wrong.send(Conversation.of("q")), await limited.send(Conversation.of("q")))
            await wrong.aclose()
            await limited.aclose()
            return out

    missing, limited = asyncio.run(scenario())
    assert missing.error is ErrorKind.EMPTY and "'nope'" in (missing.error_detail or "")
    assert limited.error is ErrorKind.RATE_LIMIT and limited.retry_after_s == 0.25


def _spec(base: str, *, system_prompt: str | None = None, **options: Any) -> Any:
    from redline.targets.spec import TargetSpec

    config = TargetConfig(kind="http-app", base_url=base, system_prompt=system_prompt, options=options)
    return TargetSpec(name="app", config=config)
