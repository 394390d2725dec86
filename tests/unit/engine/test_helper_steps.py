"""Steps that need an attacker or judge model: left out with one warning each when it is not set."""

from __future__ import annotations

from redline.config.settings import Settings
from redline.engine.inputs import playbook_cases
from redline.engine.models import HelperModels
from redline.targets.echo import EchoTarget


def _skipped(warnings: tuple[str, ...], technique: str) -> list[str]:
    return [w for w in warnings if w.startswith(f"step '{technique}'")]


def test_a_translate_step_without_an_attacker_is_skipped_naming_the_setting(workspace: Settings) -> None:
    source = playbook_cases(("robustness",), workspace=workspace.workspace, seed=0, sample_size=1)
    (warning,) = _skipped(source.warnings, "direct-request")
    assert "'translate'" in warning and "`attacker: <system>`" in warning
    cases = list(source.cases)
    assert len(cases) == source.total and not any("translate" in c.converters for c in cases)
    assert any("shift.typos" in c.converters for c in cases)


def test_with_an_attacker_the_translate_step_is_rewritten_by_it(workspace: Settings) -> None:
    attacker = EchoTarget("rewriter", reply="Sawubona: {prompt}")
    models = HelperModels.of(attacker=attacker)
    source = playbook_cases(
        ("robustness",), workspace=workspace.workspace, seed=0, sample_size=1, models=models
    )
    assert not _skipped(source.warnings, "direct-request")
    translated = [c for c in source.cases if "translate" in c.converters]
    assert translated and len(attacker.calls) == len(translated)
    assert all(c.conversation.last_user_text.startswith("Sawubona:") for c in translated)


def test_judge_only_steps_are_skipped_without_a_judge_unless_the_run_names_its_scorers(
    workspace: Settings, fake_judge: EchoTarget
) -> None:
    ws = workspace.workspace
    source = playbook_cases(("discrimination",), workspace=ws, seed=0, sample_size=1)
    (warning,) = _skipped(source.warnings, "stereotype-agreement")
    assert "'judge.harm'" in warning and "`judge: <system>`" in warning
    assert "stereotype-agreement" not in {c.technique for c in source.cases}

    judged = playbook_cases(
        ("discrimination",), workspace=ws, seed=0, sample_size=1, models=HelperModels.of(judge=fake_judge)
    )
    assert judged.warnings == () and "stereotype-agreement" in {c.technique for c in judged.cases}

    named = playbook_cases(("discrimination",), workspace=ws, seed=0, sample_size=1, step_scorers=False)
    assert named.warnings == () and "stereotype-agreement" in {c.technique for c in named.cases}
