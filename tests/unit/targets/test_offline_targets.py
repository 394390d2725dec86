"""Echo and callable targets, and the deployment system prompt merge."""

from __future__ import annotations

import asyncio
import sys
import types

import pytest

from redline.core.errors import ConfigError
from redline.core.runs.conversation import Conversation, ErrorKind, GenerationParams, MessageRole, Response
from redline.targets.base import Target, with_system_prompt
from redline.targets.echo import EchoRule, EchoTarget
from redline.targets.python_callable import CallableTarget, CallInput, import_function


def test_echo_fixture_echoes_refuses_and_goes_empty(echo_target: EchoTarget) -> None:
    async def scenario() -> list[Response]:
        return [await echo_target.send(Conversation.of(p)) for p in ("hello there", "please refuse", "empty")]

    echoed, refused, empty = asyncio.run(scenario())
    assert echoed.text == "Echo: hello there" and echoed.ok
    assert refused.text == "I can't help with that."
    assert empty.error is ErrorKind.EMPTY
    assert isinstance(echo_target, Target)


def test_echo_rule_can_answer_with_a_rate_limit() -> None:
    target = EchoTarget(rules=[EchoRule(match="busy", error=ErrorKind.RATE_LIMIT, retry_after_s=0.5)])
    resp = asyncio.run(target.send(Conversation.of("are you busy?")))
    assert resp.error is ErrorKind.RATE_LIMIT
    assert resp.retry_after_s == 0.5


def test_echo_rule_needs_reply_or_error() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        EchoRule(match="x")


def test_system_prompt_comes_first_and_merges_case_system_messages() -> None:
    convo = Conversation.of("hi", system="case rules")
    merged = with_system_prompt(convo, "deployment rules")
    assert [m.role for m in merged.messages] == [MessageRole.SYSTEM, MessageRole.USER]
    assert merged.messages[0].content == "deployment rules\n\ncase rules"
    assert with_system_prompt(convo, None) is convo


def test_callable_str_to_str_sync_and_async() -> None:
    def shout(prompt: str) -> str:
        return prompt.upper()

    async def whisper(prompt: str) -> str:
        return prompt.lower()

    async def scenario() -> tuple[Response, Response]:
        return (
            await CallableTarget(shout).send(Conversation.of("Hi")),
            await CallableTarget(whisper).send(Conversation.of("Hi")),
        )

    loud, soft = asyncio.run(scenario())
    assert (loud.text, soft.text) == ("HI", "hi")


def test_callable_taking_a_conversation_gets_the_system_prompt() -> None:
    seen: list[Conversation] = []

    def answer(conversation: Conversation) -> Response:
        seen.append(conversation)
        return Response(text=f"{len(conversation.messages)} messages")

    target = CallableTarget(answer, system_prompt="be brief")
    assert target.input is CallInput.CONVERSATION
    resp = asyncio.run(target.send(Conversation.of("hi")))
    assert resp.text == "2 messages"
    assert seen[0].messages[0].content == "be brief"


def test_callable_failure_and_nothing_are_responses_not_exceptions() -> None:
    def broken(prompt: str) -> str:
        raise RuntimeError("backend down")

    def silent(prompt: str) -> None:
        return None

    async def scenario() -> tuple[Response, Response]:
        return (
            await CallableTarget(broken).send(Conversation.of("x")),
            await CallableTarget(silent).send(Conversation.of("x")),
        )

    failed, empty = asyncio.run(scenario())
    assert failed.error is ErrorKind.OTHER and "backend down" in (failed.error_detail or "")
    assert empty.error is ErrorKind.EMPTY


def test_import_function_by_module_colon_name(monkeypatch: pytest.MonkeyPatch) -> None:
    module = types.ModuleType("redline_test_app")
    module.reply = lambda prompt: f"ok {prompt}"  # type: ignore[attr-defined]  # a module written at run time
    monkeypatch.setitem(sys.modules, "redline_test_app", module)
    fn = import_function("redline_test_app:reply")
    assert fn("x") == "ok x"
    with pytest.raises(ConfigError, match="no attribute 'nope'"):
        import_function("redline_test_app:nope")
    with pytest.raises(ConfigError, match=r"package\.module:function"):
        import_function("redline_test_app")


def test_echo_honours_max_tokens_as_words() -> None:
    resp = asyncio.run(
        EchoTarget().send(Conversation.of("one two three"), params=GenerationParams(max_tokens=2))
    )
    assert resp.text == "Echo: one"
