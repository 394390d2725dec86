"""Recording any target's traffic and replaying it offline."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from redline.core.errors import ConfigError, TargetError
from redline.core.runs.conversation import Conversation, ErrorKind, GenerationParams, Response
from redline.targets.echo import EchoTarget
from redline.targets.replay import MissPolicy, RecordingTarget, ReplayTarget


def _record(path: Path, prompts: list[str], *, params: GenerationParams | None = None) -> None:
    async def scenario() -> None:
        recorder = RecordingTarget(EchoTarget("live"), path)
        for prompt in prompts:
            await recorder.send(Conversation.of(prompt), params=params)
        await recorder.aclose()

    asyncio.run(scenario())


def test_replay_serves_what_was_recorded(tmp_path: Path) -> None:
    path = tmp_path / "traffic.jsonl"
    _record(path, ["alpha", "beta"])
    replay = ReplayTarget(path)
    resp = asyncio.run(replay.send(Conversation.of("beta")))
    assert resp.text == "Echo: beta"
    assert len(replay) == 2
    ident = replay.identity()
    assert ident.provider == "replay" and ident.name == "echo/live"


def test_a_miss_is_a_clear_response_or_an_error_by_option(tmp_path: Path) -> None:
    path = tmp_path / "traffic.jsonl"
    _record(path, ["alpha"])
    miss = asyncio.run(ReplayTarget(path).send(Conversation.of("gamma")))
    assert miss.error is ErrorKind.OTHER
    assert (miss.error_detail or "").startswith("no recording for conversation")
    with pytest.raises(TargetError, match="no recording"):
        asyncio.run(ReplayTarget(path, on_miss=MissPolicy.RAISE).send(Conversation.of("gamma")))


def test_repeated_recordings_replay_in_order(tmp_path: Path) -> None:
    path = tmp_path / "traffic.jsonl"

    answers = iter(["first", "second"])

    class Counting(EchoTarget):
        async def send(
            self, conversation: Conversation, *, params: GenerationParams | None = None
        ) -> Response:
            return Response(text=next(answers))

    async def scenario() -> list[str]:
        recorder = RecordingTarget(Counting("c"), path)
        for _ in range(2):
            await recorder.send(Conversation.of("same"))
        await recorder.aclose()
        replay = ReplayTarget(path)
        return [(await replay.send(Conversation.of("same"))).text for _ in range(3)]

    assert asyncio.run(scenario()) == ["first", "second", "first"]


def test_match_params_separates_generation_settings(tmp_path: Path) -> None:
    path = tmp_path / "traffic.jsonl"
    _record(path, ["alpha"], params=GenerationParams(temperature=0.0))
    strict = ReplayTarget(path, match_params=True)
    hot = asyncio.run(strict.send(Conversation.of("alpha"), params=GenerationParams(temperature=1.0)))
    cold = asyncio.run(strict.send(Conversation.of("alpha"), params=GenerationParams(temperature=0.0)))
    assert hot.error is ErrorKind.OTHER and cold.text == "Echo: alpha"


def test_malformed_recording_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "traffic.jsonl"
    _record(path, ["alpha"])
    with path.open("a", encoding="utf-8") as fh:
        fh.write('{"fingerprint": 3}\n')
    with pytest.raises(ConfigError, match=r"traffic\.jsonl:3"):
        ReplayTarget(path)
    with pytest.raises(ConfigError, match="does not exist"):
        ReplayTarget(tmp_path / "missing.jsonl")
