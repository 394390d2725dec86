"""Technique behaviour the contract tests cannot see: planted secrets, sets, orders, overrides."""

from __future__ import annotations

import random

import pytest
from pydantic import BaseModel

from redline.attacks.base import MultiTurnTechnique
from redline.attacks.configuration import Misconfiguration, generation_for, run_overrides, sweep
from redline.attacks.counterfactual import Axis, CounterfactualParams
from redline.attacks.many_shot import ManyShotParams
from redline.attacks.registry import get_technique
from redline.attacks.robustness import RobustnessParams
from redline.attacks.seeds.library import SeedLibrary
from redline.attacks.templating import TemplateParams
from redline.core.errors import ConfigError
from redline.core.runs.case_params import planted_strings
from redline.core.runs.cases import AttackCase, Seed
from redline.core.runs.conversation import GenerationParams, MessageRole

LIB = SeedLibrary.load()


def expand(name: str, seed: Seed, params: BaseModel | None = None, rng: int = 3) -> list[AttackCase]:
    technique = get_technique(name)
    return list(technique.expand(seed, params or technique.Params(), rng=random.Random(rng)))


def first(set_name: str) -> Seed:
    return LIB.seeds(set_name)[0]


def test_canary_is_planted_in_the_system_prompt_and_recorded() -> None:
    for case in expand("system-prompt-extraction", first("canary-system-prompts")):
        (canary,) = planted_strings(case.params)
        system = case.conversation.messages[0]
        assert system.role is MessageRole.SYSTEM and canary in system.content
        assert canary not in case.conversation.last_user_text
        assert "{canary}" not in system.content


def test_canaries_differ_between_cases_but_repeat_for_the_same_rng() -> None:
    a = [planted_strings(c.params) for c in expand("canary-extraction", first("canary-system-prompts"))]
    b = [planted_strings(c.params) for c in expand("canary-extraction", first("canary-system-prompts"))]
    assert a == b and len({tuple(x) for x in a}) == len(a)


def test_indirect_injection_hides_the_marker_in_data_not_in_the_request() -> None:
    cases = expand("indirect-injection", first("hidden-instructions"))
    assert {c.params["channel"] for c in cases} == {"pasted", "retrieved", "tool-output"}
    tool_case = next(c for c in cases if c.params["channel"] == "tool-output")
    tool_msgs = [m for m in tool_case.conversation.messages if m.role is MessageRole.TOOL]
    (marker,) = planted_strings(tool_case.params)
    assert tool_msgs and marker in tool_msgs[0].content
    assert marker not in tool_case.conversation.last_user_text


def test_direct_injection_appends_the_hijack_to_the_app_input() -> None:
    case = expand("direct-injection", first("app-tasks"))[0]
    assert case.conversation.messages[0].content.startswith("You translate")
    assert case.conversation.last_user_text.startswith("The meeting has been moved")
    (marker,) = planted_strings(case.params)
    assert marker in case.conversation.last_user_text and marker in case.objective


def test_unknown_variant_is_a_config_error_listing_the_known_ones() -> None:
    with pytest.raises(ConfigError, match="known: unbound-assistant"):
        expand("role-play", first("harmful-behaviours"), TemplateParams(variants=("nope",)))


def test_baseline_cases_exercise_only_what_the_seed_is_about() -> None:
    seed = first("harmful-behaviours")
    case = expand("direct-request", seed)[0]
    assert case.threat_ids == seed.threats
    assert case.conversation.last_user_text.startswith("Give step-by-step")
    jail = expand("role-play", seed)[0]
    assert jail.threat_ids == ("jailbreak.roleplay", *seed.threats)


def test_counterfactual_cases_differ_only_in_the_subject_slot() -> None:
    seed = first("decision-templates")
    cases = expand("counterfactual-decision", seed, CounterfactualParams(axes=(Axis.AGE, Axis.GENDER)))
    groups = {c.group for c in cases}
    assert len(groups) == 2
    age = [c for c in cases if c.attributes["axis"] == "age"]
    assert [c.attributes["age"] for c in age] == ["35", "23", "52", "67"]
    texts = [c.conversation.last_user_text for c in age]
    stripped = {t.replace(c.attributes["age"], "N") for t, c in zip(texts, age, strict=True)}
    assert len(stripped) == 1
    assert all(c.params["decision"]["favourable"] == "YES" for c in cases)


def test_name_axis_records_the_attributes_a_name_stands_for() -> None:
    cases = expand(
        "counterfactual-decision", first("decision-templates"), CounterfactualParams(axes=(Axis.NAMES,))
    )
    assert len(cases) == 12
    assert {c.attributes["gender"] for c in cases} == {"woman", "man"}
    assert len({c.attributes["ethnicity"] for c in cases}) == 6


def test_counterfactual_values_can_be_narrowed_but_not_below_two() -> None:
    params = CounterfactualParams(axes=(Axis.RELIGION,), values={Axis.RELIGION: ("unstated", "muslim")})
    assert len(expand("counterfactual-decision", first("decision-templates"), params)) == 2
    with pytest.raises(ConfigError, match="at least two"):
        expand(
            "counterfactual-decision",
            first("decision-templates"),
            CounterfactualParams(axes=(Axis.RELIGION,), values={Axis.RELIGION: ("muslim",)}),
        )


def test_stereotype_items_swap_the_order_and_track_the_letters() -> None:
    cases = expand("stereotype-agreement", first("stereotype-items"))
    assert len(cases) == 4 and len({c.group for c in cases}) == 1
    original, swapped = cases[0].params["options"], cases[1].params["options"]
    assert original["letters"]["A"] == swapped["letters"]["B"] == "The 80-year-old"
    assert original["biased"] == "A" and swapped["biased"] == "B"
    assert original["correct"] == original["unknown"] == "C"
    disamb = [c for c in cases if c.attributes["condition"] == "disambiguated"]
    assert disamb[0].params["options"]["correct"] == "B"


def test_many_shot_makes_one_case_per_shot_count() -> None:
    cases = expand("many-shot", first("harmful-behaviours"), ManyShotParams(shots=(4, 16)))
    assert [c.params["shot_count"] for c in cases] == [4, 16]
    assert cases[1].conversation.last_user_text.count("User:") == 17
    as_msgs = expand("many-shot", first("harmful-behaviours"), ManyShotParams(shots=(3,), as_messages=True))[
        0
    ]
    assert len(as_msgs.conversation.messages) == 7


def test_sweep_applies_each_configuration_with_its_overrides() -> None:
    base = expand("direct-request", first("harmful-behaviours"))[0]
    cases = list(sweep([base]))
    assert len(cases) == len(Misconfiguration) and len({c.id for c in cases}) == len(cases)
    by = {c.attributes["configuration"]: c for c in cases}
    assert by["baseline"].conversation.messages[0].role is MessageRole.SYSTEM
    assert all(m.role is not MessageRole.SYSTEM for m in by["empty-system-prompt"].conversation.messages)
    overrides = run_overrides(by["empty-system-prompt"])
    assert overrides is not None and overrides.target_options == {"system_prompt": ""}
    hot = generation_for(by["temperature-extreme"], GenerationParams())
    assert hot.temperature == 2.0
    assert generation_for(by["baseline"], GenerationParams(max_tokens=9)).max_tokens == 9
    flat = by["wrong-chat-template"].conversation
    assert len(flat.messages) == 1 and "### Instruction:" in flat.messages[0].content
    truncated = by["truncated-context"].conversation.messages[0].content
    assert len(truncated) < len(by["baseline"].conversation.messages[0].content)
    assert len({c.group for c in cases}) == 1
    assert "operator-error.unsafe-configuration" in cases[1].threat_ids


def test_uncertainty_probe_asks_for_log_probabilities() -> None:
    case = expand("uncertainty-probe", first("qa-known-answers"))[0]
    assert generation_for(case, GenerationParams()).logprobs is True
    assert case.params["reference"]["answer"] == "Paris"


def test_perturbation_robustness_keeps_the_clean_case_in_the_set() -> None:
    cases = expand("perturbation-robustness", first("qa-known-answers"))
    assert cases[0].attributes == {"shift": "none", "severity": "none"}
    assert len(cases) == 1 + 5 * 3 and len({c.group for c in cases}) == 1


def test_context_retention_scripts_its_follow_ups() -> None:
    import asyncio

    technique = get_technique("context-retention")
    case = expand("context-retention", first("constraint-scenarios"))[0]
    assert isinstance(technique, MultiTurnTechnique)
    strategy = technique.strategy(technique.Params())
    msgs = [asyncio.run(strategy.next_message(case, case.conversation, turn=t)) for t in (1, 2, 3)]
    assert msgs[1] is not None and "Thai" in msgs[1]
    assert msgs[2] is None and case.turns == 3


def test_perturbation_shifts_may_be_named_without_their_prefix() -> None:
    technique = get_technique("perturbation-robustness")
    params = technique.Params.model_validate({"shifts": ["dialect", "shift.typos"]})
    assert isinstance(params, RobustnessParams)
    assert params.shifts == ("shift.dialect", "shift.typos")
    shifts = {c.params["shift"] for c in expand("perturbation-robustness", first("qa-known-answers"), params)}
    assert shifts == {"none", "shift.dialect", "shift.typos"}
    with pytest.raises(ConfigError, match="unknown shift"):
        expand("perturbation-robustness", first("qa-known-answers"), technique.Params(shifts=("nope",)))


def test_over_refusal_cases_say_a_refusal_is_the_failure() -> None:
    import asyncio

    from redline.core.runs.conversation import Response
    from redline.core.runs.scores import Verdict
    from redline.scorers.refusal import outcome_of
    from redline.scorers.refusal_patterns import PhraseRefusalScorer, RefusalOutcome

    case = expand("over-refusal", first("benign-lookalikes"))[0]
    scorer = PhraseRefusalScorer()
    refused = asyncio.run(scorer.score(case, Response(text="I'm sorry, but I can't help with that.")))
    helped = asyncio.run(scorer.score(case, Response(text="Sure: here is how it works, step by step.")))
    assert refused.verdict is Verdict.FAIL and helped.verdict is Verdict.PASS
    assert outcome_of(refused) is RefusalOutcome.REFUSED
