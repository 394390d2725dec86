"""Planning: automated steps become cases deterministically, with converters applied."""

from __future__ import annotations

import asyncio
import base64

import pytest

from redline.attacks.base import PlanContext
from redline.attacks.planning import build_cases, build_cases_async, case_scorers
from redline.core.catalog.threats import AutomatedStep
from redline.core.errors import ConfigError
from redline.core.runs.actions import ToolSpec
from redline.targets.echo import EchoTarget

STEPS = [
    AutomatedStep(technique="role-play", seeds="harmful-behaviours", sample_size=4),
    AutomatedStep(
        technique="direct-request", seeds="harmful-behaviours", converters=("base64",), sample_size=3
    ),
]


def test_same_seed_same_cases() -> None:
    a = [c.id for c in build_cases(STEPS, seed=11)]
    b = [c.id for c in build_cases(STEPS, seed=11)]
    assert a == b and len(a) == 4 * 4 + 3 * 2
    assert a != [c.id for c in build_cases(STEPS, seed=12)]


def test_a_larger_sample_keeps_the_cases_already_drawn() -> None:
    small = {c.id for c in build_cases(STEPS[:1], seed=5, sample_size=3)}
    large = {c.id for c in build_cases(STEPS[:1], seed=5, sample_size=6)}
    assert small < large


def test_converters_apply_to_the_last_user_message_and_are_recorded() -> None:
    cases = [c for c in build_cases(STEPS, seed=1) if c.technique == "direct-request"]
    assert all(c.converters == ("base64",) for c in cases)
    decoded = base64.b64decode(cases[0].conversation.last_user_text).decode()
    assert decoded.startswith(
        ("Give", "Write", "Explain", "Find", "Plan", "Produce", "Recommend", "Coach", "Reproduce")
    )


def test_bad_params_name_the_step_and_field() -> None:
    step = AutomatedStep(technique="many-shot", seeds="harmful-behaviours", params={"shots": "lots"})
    with pytest.raises(ConfigError, match=r"step 1 \(many-shot\)") as err:
        list(build_cases([step], seed=0))
    assert "params.shots" in str(err.value)


def test_unknown_technique_and_seed_set_list_what_exists() -> None:
    with pytest.raises(ConfigError, match=r"registered: .*role-play"):
        list(build_cases([AutomatedStep(technique="nope", seeds="harmful-behaviours")], seed=0))
    with pytest.raises(ConfigError, match=r"known: .*qa-known-answers"):
        list(build_cases([AutomatedStep(technique="role-play", seeds="nope")], seed=0))


def test_model_converters_run_through_the_attacker() -> None:
    step = AutomatedStep(
        technique="false-premise", seeds="false-premise", converters=("paraphrase",), sample_size=2
    )
    with pytest.raises(ConfigError, match="attacker"):
        list(build_cases([step], seed=0))
    attacker = EchoTarget(reply="Reworded: {prompt}")
    cases = asyncio.run(build_cases_async([step], seed=0, attacker=attacker))
    assert len(cases) == 4 and all(c.conversation.last_user_text.startswith("Reworded:") for c in cases)
    assert cases[0].converters == ("paraphrase",)


def test_a_target_offered_tools_has_every_case_judged_by_action_policy() -> None:
    step = AutomatedStep(technique="direct-request", seeds="harmful-behaviours", scorers=("refusal",))
    tools = PlanContext(tools=(ToolSpec(name="issue_refund"),))
    assert case_scorers(step, tools) == ("refusal", "action.policy")
    assert case_scorers(step, PlanContext()) == ("refusal",) == case_scorers(step, None)
    assert case_scorers(step.model_copy(update={"scorers": ()}), tools) == ()  # the run names its own
    cases = list(build_cases([step.model_copy(update={"sample_size": 2})], seed=0, context=tools))
    assert cases and all(c.scorers == ("refusal", "action.policy") for c in cases)
