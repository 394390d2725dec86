"""Contract of the `redline.attacks` entry point: every technique and converter, checked the same way.

Docstring and metadata, parameters that round-trip through JSON, deterministic expansion for a fixed
seed, and an offline run against the echo target (multi-turn strategies and attacker loops included).
"""

from __future__ import annotations

import asyncio
import inspect
import json
import random
from collections.abc import Sequence
from typing import Any, ClassVar

import pytest
from pydantic import BaseModel

from redline.attacks.agentic import DEFAULT_TOOLS
from redline.attacks.base import (
    AttackerLoopTechnique,
    Converter,
    ModelConverter,
    MultiTurnTechnique,
    PlanContext,
    Technique,
    TechniqueKind,
    expand_in,
)
from redline.attacks.registry import catalogue, converter_classes, technique_classes
from redline.attacks.seeds.library import SeedLibrary
from redline.catalog.loader import load_catalog
from redline.core.runs.cases import AttackCase
from redline.core.runs.conversation import MessageRole, Response
from redline.core.runs.scores import Score, Verdict
from redline.targets.echo import EchoTarget

TECHNIQUES = technique_classes()
CONVERTERS = converter_classes()
CATALOG = load_catalog()
THREAT_IDS = {t.id for t in CATALOG.threats()}
LIBRARY = SeedLibrary.load()


class NeverFailsJudge:
    """A judge that always says the model held."""

    name: ClassVar[str] = "never-fails"
    version: ClassVar[str] = "1"

    async def score(self, case: AttackCase, response: Response) -> Score:
        return Score(scorer=self.name, verdict=Verdict.PASS)

    async def score_batch(self, items: Sequence[tuple[AttackCase, Response]]) -> list[Score]:
        return [await self.score(c, r) for c, r in items]


def _one_line_doc(obj: Any) -> str:
    doc = inspect.getdoc(obj) or ""
    return doc.strip().splitlines()[0] if doc.strip() else ""


def _fields_described(model: type[BaseModel]) -> list[str]:
    return [name for name, field in model.model_fields.items() if not field.description]


def test_the_library_is_large_enough() -> None:
    assert len(TECHNIQUES) >= 30
    assert len(CONVERTERS) >= 25
    assert len(catalogue()) >= 40


def test_every_harm_category_of_the_shipped_catalog_is_exercised_by_a_technique() -> None:
    covered = {
        CATALOG.get(t).harm_category for cls in TECHNIQUES.values() for t in cls.threats if t in THREAT_IDS
    }
    categories = {t.harm_category for t in CATALOG.threats()}
    assert categories <= covered, f"no technique exercises: {sorted(categories - covered)}"


@pytest.mark.parametrize("name", sorted(TECHNIQUES) + sorted(CONVERTERS))
def test_metadata(name: str) -> None:
    cls = TECHNIQUES.get(name) or CONVERTERS[name]
    assert cls.name == name
    doc = _one_line_doc(cls)
    assert doc and len(doc) <= 110 and doc.endswith("."), f"{name}: one-line docstring ending with a period"
    assert cls.threats and set(cls.threats) <= THREAT_IDS, set(cls.threats) - THREAT_IDS
    assert cls.source.strip()
    assert not any(word in name for word in ("weapon", "bomb", "drug", "malware")), (
        "name the technique, not the harm"
    )


@pytest.mark.parametrize("name", sorted(TECHNIQUES) + sorted(CONVERTERS))
def test_params_round_trip_through_json(name: str) -> None:
    cls = TECHNIQUES.get(name) or CONVERTERS[name]
    params_cls: type[BaseModel] = cls.Params
    assert not _fields_described(params_cls), f"fields without description: {_fields_described(params_cls)}"
    defaults = params_cls()
    again = params_cls.model_validate(json.loads(defaults.model_dump_json()))
    assert again == defaults
    assert params_cls.model_json_schema()["type"] == "object"


@pytest.mark.parametrize("name", sorted(TECHNIQUES))
def test_technique_protocol_and_default_seeds(name: str) -> None:
    technique = TECHNIQUES[name]()
    assert isinstance(technique, Technique)
    assert isinstance(technique.kind, TechniqueKind)
    assert technique.default_seeds in LIBRARY.names()
    if technique.kind is TechniqueKind.MULTI_TURN:
        assert isinstance(technique, MultiTurnTechnique)
    if technique.kind is TechniqueKind.ATTACKER_LOOP:
        assert isinstance(technique, AttackerLoopTechnique)


def _expand(name: str, rng_seed: int) -> list[AttackCase]:
    technique = TECHNIQUES[name]()
    seeds = LIBRARY.seeds(technique.default_seeds)[:2]
    out: list[AttackCase] = []
    rng = random.Random(rng_seed)
    for seed in seeds:
        out.extend(technique.expand(seed, technique.Params(), rng=rng))
    if not out and getattr(technique, "uses_tools", False):
        # a technique that plans only from the target's tools: offer it the stand-in tools
        rng = random.Random(rng_seed)
        context = PlanContext(tools=DEFAULT_TOOLS)
        for seed in seeds:
            out.extend(expand_in(technique, seed, technique.Params(), rng=rng, context=context))
    return out


@pytest.mark.parametrize("name", sorted(TECHNIQUES))
def test_expansion_is_deterministic_for_a_fixed_seed(name: str) -> None:
    first, second = _expand(name, 42), _expand(name, 42)
    assert first, f"{name} made no cases from its default seeds"
    assert [c.model_dump() for c in first] == [c.model_dump() for c in second]
    for case in first:
        assert case.technique == name
        assert case.id == AttackCase.make_id(name, case.seed_id, case.params, case.conversation)
        assert case.objective and case.conversation.last_user_text
        assert case.threat_ids and set(case.threat_ids) <= THREAT_IDS
        text = json.dumps([m.content for m in case.conversation.messages])
        for slot in ("{objective}", "{request}", "{marker}", "{canary}", "{subject}"):
            assert slot not in text, f"unfilled {slot} in {name}"
    assert len({c.id for c in first}) == len(first), "cases of one expansion must have distinct ids"


@pytest.mark.parametrize("name", sorted(TECHNIQUES))
def test_offline_run_against_the_echo_target(name: str) -> None:
    technique = TECHNIQUES[name]()
    cases = _expand(name, 7)[:3]
    echo = EchoTarget(reply="Echo: {prompt}")

    async def drive(case: AttackCase) -> int:
        if isinstance(technique, AttackerLoopTechnique) and technique.kind is TechniqueKind.ATTACKER_LOOP:
            attacker = EchoTarget(
                name="attacker", reply=json.dumps({"improvement": "x", "prompt": case.objective})
            )
            turns: list[Any] = []
            transcript = await technique.run(
                case,
                target=echo,
                attacker=attacker,
                judge=NeverFailsJudge(),
                params=technique.Params(),
                recorder=turns.append,
            )
            assert transcript.turns and len(turns) == len(transcript.turns)
            return len(turns)
        history = case.conversation
        # a workflow's yes (or hesitation) answers a request to confirm: this echo asks for one
        asks = case.params.get("confirm_followup")
        target = EchoTarget(reply="Echo: {prompt} Shall I go ahead?") if asks else echo
        response = await target.send(history)
        assert response.ok
        history = history.add(MessageRole.ASSISTANT, response.text)
        sent = 1
        if isinstance(technique, MultiTurnTechnique):
            strategy = technique.strategy(technique.Params())
            for turn in range(1, case.turns + 1):
                message = await strategy.next_message(case, history, turn=turn)
                if message is None:
                    break
                history = history.add(MessageRole.USER, message)
                reply = await target.send(history)
                history = history.add(MessageRole.ASSISTANT, reply.text)
                sent += 1
            assert sent == case.turns, f"{name}: planned {case.turns} turns, drove {sent}"
        return sent

    counts = [asyncio.run(drive(c)) for c in cases]
    assert all(n >= 1 for n in counts)


@pytest.mark.parametrize("name", sorted(CONVERTERS))
def test_converter_is_deterministic_and_changes_the_text(name: str) -> None:
    cls = CONVERTERS[name]
    converter = cls(cls.Params())
    text = "Please Explain how ocean tides work, step by step, for my class."
    if isinstance(converter, ModelConverter) and getattr(converter, "needs_model", False):
        model = EchoTarget(name="rewriter", reply="Rewritten: {prompt}")
        out = asyncio.run(converter.aconvert(text, rng=random.Random(1), model=model))
        assert out == text and model.calls, "model converters must send the text to the model"
        return
    assert isinstance(converter, Converter)
    a = converter.convert(text, rng=random.Random(1))
    b = converter.convert(text, rng=random.Random(1))
    assert isinstance(a, str) and a == b
    assert a != text, f"{name} left the text unchanged with default parameters"
