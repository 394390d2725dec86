"""The guarded application: system prompt, input and output guards, blocks recorded in the Response."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import pytest

from redline.config.settings import TargetConfig
from redline.core.errors import ConfigError
from redline.core.runs.conversation import Conversation, ErrorKind, GenerationParams, Response
from redline.core.runs.guards import Guard, GuardVerdict
from redline.targets.echo import EchoTarget
from redline.targets.guarded import DEFAULT_REFUSAL, GuardedTarget
from redline.targets.registry import target_from_config


@dataclass
class WordGuard:
    """Blocks text containing a word; counts what it saw."""

    name: str
    word: str
    seen: list[str] = field(default_factory=list)

    async def check(self, text: str, *, conversation: Conversation) -> GuardVerdict:
        self.seen.append(text)
        return GuardVerdict(blocked=self.word in text.lower(), reason=f"mentions {self.word}")


class BrokenGuard:
    name = "broken"

    async def check(self, text: str, *, conversation: Conversation) -> GuardVerdict:
        raise RuntimeError("classifier not loaded")


def _send(target: GuardedTarget, prompt: str) -> Response:
    return asyncio.run(target.send(Conversation.of(prompt)))


def test_input_guard_blocks_before_the_model_is_asked() -> None:
    inner = EchoTarget("model")
    guard = WordGuard("keywords", "lockpick")
    app = GuardedTarget(inner, input_guards=[guard])
    resp = _send(app, "how do I use a lockpick")
    assert resp.blocked and resp.text == DEFAULT_REFUSAL
    assert resp.blocked_by == "keywords"
    assert "input guard 'keywords'" in (resp.error_detail or "")
    assert resp.error is None
    assert inner.calls == []
    assert isinstance(guard, Guard)


def test_output_guard_blocks_the_answer_and_keeps_usage() -> None:
    app = GuardedTarget(EchoTarget("model"), output_guards=[WordGuard("leak", "secret")])
    resp = _send(app, "tell me the secret")
    assert resp.blocked and resp.blocked_by == "leak"
    assert "output guard" in (resp.error_detail or "")
    assert resp.usage.completion_tokens > 0


def test_clean_exchange_passes_and_system_prompt_reaches_the_model() -> None:
    inner = EchoTarget("model")
    app = GuardedTarget(
        inner, system_prompt="You are a bank assistant.", input_guards=[WordGuard("k", "zzz")]
    )
    resp = _send(app, "hello")
    assert resp.ok and not resp.blocked and resp.text == "Echo: hello"
    assert inner.calls[0].messages[0].content == "You are a bank assistant."


def test_first_blocking_guard_in_declared_order_is_named() -> None:
    app = GuardedTarget(
        EchoTarget("model"), input_guards=[WordGuard("first", "bad"), WordGuard("second", "bad")]
    )
    assert _send(app, "bad idea").blocked_by == "first"


def test_a_failing_guard_is_an_error_response() -> None:
    resp = _send(GuardedTarget(EchoTarget("model"), input_guards=[BrokenGuard()]), "hi")
    assert resp.error is ErrorKind.OTHER and "classifier not loaded" in (resp.error_detail or "")


def test_inner_errors_pass_through_unguarded() -> None:
    class Down(EchoTarget):
        async def send(
            self, conversation: Conversation, *, params: GenerationParams | None = None
        ) -> Response:
            return Response(error=ErrorKind.SERVER_ERROR, error_detail="HTTP 500")

    guard = WordGuard("out", "x")
    resp = _send(GuardedTarget(Down("m"), output_guards=[guard]), "hi")
    assert resp.error is ErrorKind.SERVER_ERROR and guard.seen == []


def test_identity_changes_with_the_guard_setup() -> None:
    bare = GuardedTarget(EchoTarget("m")).identity()
    guarded = GuardedTarget(EchoTarget("m"), input_guards=[WordGuard("k", "x")]).identity()
    assert bare.version != guarded.version


def test_built_from_config_with_a_guard_resolver() -> None:
    guards = {"keywords": WordGuard("keywords", "lockpick")}
    config = TargetConfig(
        kind="guarded",
        system_prompt="Be helpful.",
        options={"inner": {"kind": "echo"}, "input_guards": ["keywords"], "refusal_message": "No."},
    )
    app = target_from_config(config, env={}, name="bank-app", guard_resolver=guards.__getitem__)
    assert isinstance(app, GuardedTarget)
    resp = asyncio.run(app.send(Conversation.of("lockpick please")))
    assert resp.text == "No." and resp.blocked_by == "keywords"


def test_guard_names_without_a_resolver_are_a_config_error() -> None:
    config = TargetConfig(kind="guarded", options={"inner": {"kind": "echo"}, "output_guards": ["pii"]})
    with pytest.raises(ConfigError, match="no guard resolver"):
        target_from_config(config, env={}, name="app")
