"""Round inputs: prompts files (lines or JSON Lines) and the request-to-spec step the CLI uses."""

from __future__ import annotations

from pathlib import Path

import pytest

from redline.config.settings import Settings, TargetConfig
from redline.core.errors import ConfigError, UsageError
from redline.engine.inputs import prompts_file
from redline.engine.launch import RoundRequest, generation_params, prepare_round


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


def _with_models(workspace: Settings, **names: str) -> Settings:
    from redline.config.settings import SystemConfig

    system = SystemConfig(name="helper", target=TargetConfig(kind="echo"))
    config = workspace.config.model_copy(update={"systems": (system,), **names})
    return workspace.model_copy(update={"config": config})


def test_judge_scorers_get_the_workspace_judge_or_are_skipped_naming_the_setting(
    workspace: Settings, fake_judge: object
) -> None:
    from redline.engine.inputs import build_scorers
    from redline.engine.models import HelperModels

    built, problems = build_scorers(["refusal", "judge.harm"])
    assert [s.name for s in built] == ["refusal"]
    assert problems == [
        "scorer 'judge.harm' skipped: it needs a judge model; set `judge: <system>` in redline.yaml"
    ]

    judge = HelperModels(_with_models(workspace, judge="helper")).judge()
    assert judge is not None and judge.name == "helper"
    built, problems = build_scorers(["judge.harm", "judge.panel"], judge=judge)
    assert problems == [] and [s.name for s in built] == ["judge.harm", "judge.panel"]
    assert getattr(built[0], "judge_target", None) is judge


def test_pair_and_tap_steps_without_an_attacker_are_left_out_with_a_warning(workspace: Settings) -> None:
    from redline.engine.inputs import playbook_cases
    from redline.engine.models import HelperModels

    source = playbook_cases(("jailbreak",), workspace=workspace.workspace, seed=0, sample_size=1)
    techniques = {c.technique for c in source.cases}
    assert "pair" not in techniques and "tap" not in techniques and "crescendo" in techniques
    assert source.loops == {} and any("attacker: <system>" in w and "'pair'" in w for w in source.warnings)

    armed = _with_models(workspace, attacker="helper")
    models = HelperModels(armed)
    source = playbook_cases(("jailbreak",), workspace=armed.workspace, seed=0, sample_size=1, models=models)
    assert set(source.loops) == {"pair", "tap"} and source.warnings == ()
    assert {"pair", "tap"} <= {c.technique for c in source.cases}
    crescendo = source.strategies["crescendo"]
    assert getattr(crescendo, "attacker", None) is models.attacker()
