"""Round inputs: prompts files (lines or JSON Lines) and the request-to-spec step the CLI uses."""

from __future__ import annotations

from pathlib import Path

import pytest

from redline.core.errors import ConfigError, UsageError
from redline.engine.inputs import prompts_file
from redline.engine.launch import RoundRequest, generation_params, prepare_round
from redline.settings import Settings, TargetConfig


def test_a_plain_prompts_file_gives_one_case_per_non_empty_line(tmp_path: Path) -> None:
    path = tmp_path / "p.txt"
    path.write_text("first prompt\n\nsecond prompt\n")
    source = prompts_file(path)
    cases = list(source.cases)
    assert source.total == 2 and [c.conversation.last_user_text for c in cases] == [
        "first prompt",
        "second prompt",
    ]
    assert source.description["format"] == "lines" and len(source.description["sha256"]) == 64
    assert len({c.id for c in cases}) == 2


def test_json_lines_carry_ids_threats_and_system_prompts(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    path.write_text('{"id": "a", "prompt": "hi", "threats": ["injection.direct"], "system": "be terse"}\n')
    (case,) = prompts_file(path).cases
    assert case.seed_id == "a" and case.threat_ids == ("injection.direct",)
    assert [m.role.value for m in case.conversation.messages] == ["system", "user"]


def test_a_bad_json_line_is_named_by_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    path.write_text('{"prompt": "ok"}\n{"prompt": \n')
    with pytest.raises(ConfigError, match=r"p.jsonl:2: not JSON"):
        list(prompts_file(path).cases)


def test_the_same_file_gives_the_same_spec_source(tmp_path: Path) -> None:
    path = tmp_path / "p.txt"
    path.write_text("x\n")
    first = prompts_file(path).description
    assert prompts_file(path).description == first
    path.write_text("y\n")
    assert prompts_file(path).description != first


def test_generation_parameters_come_from_the_target_options() -> None:
    target = TargetConfig(kind="gguf", options={"temperature": 0.7, "max_tokens": 64})
    params = generation_params(target, seed=5)
    assert params.temperature == 0.7 and params.max_tokens == 64 and params.seed == 5


def test_prepare_round_checks_contradictions_and_warns_about_small_pools(
    workspace: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "p.txt"
    path.write_text("x\n")
    target = TargetConfig(kind="openai-compat", base_url="http://127.0.0.1:1/v1", model="m")
    with pytest.raises(UsageError, match="contradict"):
        prepare_round(
            workspace, RoundRequest(system="s", prompts=path, resume="rnd_x", new=True), target=target
        )
    with pytest.raises(UsageError, match="not both"):
        prepare_round(
            workspace, RoundRequest(system="s", prompts=path, playbooks=("jailbreak",)), target=target
        )
    request = RoundRequest(system="s", prompts=path, concurrency=200, scorers=("refusal.phrases",))
    prepared = prepare_round(workspace, request, target=target)
    assert any("pools at most 64 connections" in w for w in prepared.warnings)
    assert [s.name for s in prepared.spec.scorers] == ["refusal.phrases"]
    assert prepared.spec.adhoc and prepared.spec.cases_total == 1 and prepared.spec.pacing.concurrency == 200
