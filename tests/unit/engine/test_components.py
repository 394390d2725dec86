"""Component specs: what a round ran is stored as specs, and one module builds the components again."""

from __future__ import annotations

import asyncio
import random

import pytest

from redline import __version__
from redline.attacks.base import Converter
from redline.attacks.converters.chain import build_converter
from redline.attacks.multi_turn.crescendo import Crescendo, CrescendoParams, CrescendoStrategy
from redline.attacks.multi_turn.pair import Pair
from redline.attacks.multi_turn.records import AttackBudget
from redline.config.settings import Settings, load_settings
from redline.core.errors import ConfigError
from redline.engine import components
from redline.engine.components import ComponentSpec, HelperSpec, RoundComponents
from redline.engine.loops import AttackerLoop
from redline.engine.models import HelperModels
from redline.engine.spec import RoundSpec
from redline.scorers.leak import CanaryScorer, SystemPromptLeakScorer
from redline.targets.echo import EchoTarget
from tests.unit.engine.fakes import FakeTarget


class Named(FakeTarget):
    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name


def test_a_converter_spec_builds_the_same_converter() -> None:
    spec = components.converter_spec("caesar:shift=5")
    assert (spec.group, spec.name, spec.role, spec.params) == (
        "redline.attacks",
        "caesar",
        "converter",
        {"shift": 5},
    )
    built, direct = components.converter(spec), build_converter("caesar:shift=5")
    assert isinstance(built, Converter) and isinstance(direct, Converter)
    assert built.convert("attack at dawn", rng=random.Random(0)) == direct.convert(
        "attack at dawn", rng=random.Random(0)
    )


def test_a_scorer_spec_records_its_parameters_and_builds_it_again() -> None:
    spec = components.scorer_spec(SystemPromptLeakScorer(ngram_threshold=0.35))
    assert (spec.name, spec.role, spec.version) == (
        "leak.system-prompt",
        "scorer",
        SystemPromptLeakScorer.version,
    )
    assert spec.params["ngram_threshold"] == 0.35
    rebuilt = components.scorer(ComponentSpec.model_validate(spec.model_dump(mode="json")))
    assert isinstance(rebuilt, SystemPromptLeakScorer) and rebuilt.ngram_threshold == 0.35


def test_a_scorer_whose_recorded_parameters_are_not_its_options_is_built_with_its_defaults() -> None:
    # leak.canary records how many canaries it was given; the canaries themselves come with each case
    spec = components.scorer_spec(CanaryScorer(canaries=["CANARY-1"]))
    assert spec.params == {"canaries": 1}
    rebuilt = components.scorer(spec)
    assert isinstance(rebuilt, CanaryScorer) and rebuilt.canaries == ()


def test_a_judge_scorer_without_a_judge_model_is_refused() -> None:
    with pytest.raises(ConfigError, match="needs a judge model"):
        components.scorer(ComponentSpec(group="redline.scorers", name="judge.harm", role="scorer"))


def test_a_loop_spec_names_its_attacker_and_judge_and_rebuilds_with_the_helpers_given() -> None:
    judge = CanaryScorer()
    spec = components.loop_spec(AttackerLoop(Pair(), attacker=Named("red-attacker"), judge=judge))
    assert spec.name == "pair" and spec.helpers["attacker"] == HelperSpec(system="red-attacker")
    judge_spec = spec.helpers["judge"].scorer
    assert judge_spec is not None and judge_spec.name == "leak.canary"
    attacker = Named("red-attacker")
    loop = components.loop(spec, models=HelperModels.of(attacker=attacker))
    assert isinstance(loop, AttackerLoop) and loop.attacker is attacker
    assert isinstance(loop.judge, CanaryScorer)  # no judge model: the scorer it ran with
    judge_model = Named("red-judge")
    loop = components.loop(spec, models=HelperModels.of(attacker=attacker, judge=judge_model))
    assert isinstance(loop, AttackerLoop) and loop.judge is judge_model


def test_an_attacker_loop_without_an_attacker_is_refused() -> None:
    spec = ComponentSpec(group="redline.attacks", name="pair", role="loop")
    with pytest.raises(ConfigError, match="needs an attacker model"):
        components.loop(spec, models=HelperModels())


def test_crescendo_rebuilt_from_its_spec_gets_its_attacker_back() -> None:
    params = CrescendoParams(budget=AttackBudget(max_turns=3))
    attacker = Named("red-attacker")
    spec = components.strategy_spec("crescendo", Crescendo().strategy(params, attacker=attacker))
    assert spec.params["budget"]["max_turns"] == 3 and spec.helpers["attacker"].system == "red-attacker"
    again = components.strategy(spec, models=HelperModels.of(attacker=attacker))
    assert isinstance(again, CrescendoStrategy) and again.attacker is attacker  # not the scripted ladder
    assert again.params == params


def test_round_components_are_stored_specs_and_older_rounds_read_from_names() -> None:
    spec = RoundSpec(
        target=FakeTarget(),
        cases=[],
        cases_source={"steps": [{"technique": "role-play", "converters": ["base64"], "params": {}}]},
        scorers=(CanaryScorer(),),
        loops={"pair": AttackerLoop(Pair(), attacker=Named("a"), judge=CanaryScorer())},
    )
    stored = components.round_components(spec).model_dump(mode="json")
    back = components.components_of({"components": stored})
    assert [s.name for s in back.scorers] == ["leak.canary"] and back.loop_names() == ["pair"]
    assert [s.name for s in back.techniques] == ["role-play"] and [s.name for s in back.converters] == [
        "base64"
    ]
    old = components.components_of({"scorers": [{"name": "refusal", "version": "3"}], "loops": ["tap"]})
    assert old == RoundComponents(
        scorers=(ComponentSpec(group="redline.scorers", name="refusal", role="scorer", version="3"),),
        loops=(ComponentSpec(group="redline.attacks", name="tap", role="loop"),),
    )


def test_a_loop_spec_naming_workspace_systems_builds_them_from_the_workspace(workspace: Settings) -> None:
    config = workspace.workspace / "redline.yaml"
    systems = "".join(
        f"  - name: {n}\n    target:\n      kind: callable\n      model: tests.world:answer\n"
        for n in ("red-attacker", "red-judge")
    )
    config.write_text(config.read_text() + f"systems:\n{systems}")
    spec = ComponentSpec(
        group="redline.attacks",
        name="pair",
        role="loop",
        helpers={"attacker": HelperSpec(system="red-attacker"), "judge": HelperSpec(system="red-judge")},
    )
    models = HelperModels(load_settings(workspace.workspace))
    loop = components.loop(spec, models=models)
    assert isinstance(loop, AttackerLoop)
    assert loop.attacker is not None
    assert loop.attacker.name == "red-attacker" and getattr(loop.judge, "name", None) == "red-judge"
    asyncio.run(models.aclose())


# ---- a new round builds from specs, and its stored specs rebuild what it ran -------------------------

SPECS_PLAYBOOK = """\
name: specs
title: Components of a round
objective: A template technique through a converter, PAIR, and two scorers.
threats: [jailbreak.roleplay, jailbreak.automated-search]
automated:
  - technique: role-play
    seeds: harmful-behaviours
    converters: ["caesar:shift=5"]
    scorers: [refusal, refusal.phrases]
    sample_size: 2
  - technique: pair
    seeds: harmful-behaviours
    scorers: [refusal]
    sample_size: 2
    params: {budget: {max_turns: 2, max_branches: 1}}
"""


def test_a_rounds_stored_specs_rebuild_exactly_the_components_it_ran(
    workspace: Settings, echo_target: EchoTarget
) -> None:
    from redline.attacks.registry import get_technique
    from redline.engine.inputs import build_scorers, playbook_cases
    from redline.engine.round import run_round
    from redline.program.workspace import open_workspace_store
    from redline.store.repos import rounds as rounds_repo
    from tests.unit.program.test_mitigations import ScriptedHelper

    (workspace.workspace / "playbooks").mkdir(exist_ok=True)
    (workspace.workspace / "playbooks" / "specs.yaml").write_text(SPECS_PLAYBOOK)
    attacker, judge = ScriptedHelper("red-attacker"), ScriptedHelper("red-judge")
    models = HelperModels.of(attacker=attacker, judge=judge)
    source = playbook_cases(
        ("specs",), workspace=workspace.workspace, seed=4, sample_size=None, models=models
    )
    assert source.warnings == () and set(source.loops) == {"pair"}
    ran_scorers, problems = build_scorers(source.scorer_names, judge=models.judge())
    assert problems == []
    # what the round runs was built from specs made from the steps: building them again gives them back
    assert components.loop_spec(source.loops["pair"]) == components.loop_spec_for("pair", models=models)
    store = open_workspace_store(workspace)
    spec = RoundSpec(
        target=echo_target,
        cases=source.cases,
        cases_source=source.description,
        cases_total=source.total,
        scorers=tuple(ran_scorers),
        loops=source.loops,
        seed=4,
    )
    result = asyncio.run(run_round(spec, settings=workspace, store=store))
    with store.session() as s:
        config = rounds_repo.get_round(s, result.round_id).config
        techniques = {c.technique for c in rounds_repo.list_cases(s, result.round_id)}
    store.dispose()
    assert techniques == {"role-play", "pair"} and judge.calls > 0  # PAIR ran, steered by the judge
    stored = components.components_of(config)

    # scorers: same names, versions and parameters, rebuilt
    assert [(s.name, s.version) for s in stored.scorers] == [(s.name, s.version) for s in ran_scorers]
    rebuilt_scorers = components.scorers(stored.scorers)
    assert [type(s) for s in rebuilt_scorers] == [type(s) for s in ran_scorers]
    assert [components.scorer_spec(s) for s in rebuilt_scorers] == list(stored.scorers)

    # the loop: PAIR, with the attacker and judge it ran with
    (pair,) = stored.loops
    assert pair == components.loop_spec(source.loops["pair"])
    assert (pair.helpers["attacker"].system, pair.helpers["judge"].system) == ("red-attacker", "red-judge")
    again = components.loop(pair, models=models)
    assert isinstance(again, AttackerLoop) and type(again.technique) is Pair
    assert again.attacker is attacker and again.judge is judge
    assert components.loop_spec(again) == pair

    # the template technique and the converter, with the step's parameters
    assert [(t.name, t.version) for t in stored.techniques] == [
        ("role-play", __version__),
        ("pair", __version__),
    ]
    assert [t.params for t in stored.techniques] == [{}, {"budget": {"max_turns": 2, "max_branches": 1}}]
    assert type(components.technique("role-play")) is type(get_technique("role-play"))
    (converter,) = stored.converters
    assert (converter.name, converter.params) == ("caesar", {"shift": 5})
    rebuilt = components.converter(converter)
    ran = build_converter("caesar:shift=5")
    assert isinstance(rebuilt, Converter) and isinstance(ran, Converter)
    assert type(rebuilt) is type(ran) and getattr(rebuilt, "params", None) == getattr(ran, "params", 1)
    assert rebuilt.convert("attack at dawn", rng=random.Random(0)) == "fyyfhp fy ifbs"


def test_a_steps_strategy_spec_builds_the_strategy_it_describes() -> None:
    attacker = Named("red-attacker")
    models = HelperModels.of(attacker=attacker)
    spec = components.strategy_spec_for("crescendo", {"budget": {"max_turns": 3}}, models=models)
    assert spec is not None and spec.helpers == {"attacker": HelperSpec(system="red-attacker")}
    assert spec.params["budget"]["max_turns"] == 3  # validated: the defaults are spelled out
    built = components.strategy(spec, models=models)
    assert isinstance(built, CrescendoStrategy) and built.attacker is attacker
    assert components.strategy_spec("crescendo", built) == spec
    assert components.strategy_spec_for("role-play", {}, models=models) is None  # single-turn: no strategy
    with pytest.raises(ConfigError, match="technique 'crescendo'"):
        components.strategy_spec_for("crescendo", {"budget": {"max_turns": "many"}}, models=models)


def test_registries_hand_back_typed_components_only(monkeypatch: pytest.MonkeyPatch) -> None:
    from redline.attacks import registry

    with pytest.raises(ConfigError, match="does not run as a loop"):
        components.loop(
            ComponentSpec(group="redline.attacks", name="role-play", role="loop"), models=HelperModels()
        )

    class NotATechnique:
        name = "odd"

    monkeypatch.setattr(registry, "technique_classes", lambda: {"odd": NotATechnique})
    with pytest.raises(ConfigError, match=r"'odd' in redline\.attacks is not a technique"):
        registry.get_technique("odd")

    class NotAScorer:
        name = "odd"

    monkeypatch.setattr(components, "_load", lambda group, name: NotAScorer)
    with pytest.raises(ConfigError, match=r"'odd' in redline\.scorers is not a scorer"):
        components.scorer(ComponentSpec(group="redline.scorers", name="odd", role="scorer"))
    built, problems = components.scorers_lenient(
        [ComponentSpec(group="redline.scorers", name="odd", role="scorer")]
    )
    assert built == [] and problems == [
        "scorer 'odd' skipped: plugin 'odd' in redline.scorers is not a scorer (score, score_batch)"
    ]


def test_a_step_naming_an_attacker_system_needs_a_workspace_even_with_a_given_attacker() -> None:
    models = HelperModels.of(attacker=Named("red-attacker"))
    assert components.loop_spec_for("pair", models=models).helpers["attacker"].system == "red-attacker"
    with pytest.raises(ConfigError, match="cannot be built without a workspace"):
        components.loop_spec_for("pair", models=models, attacker="other-system")
